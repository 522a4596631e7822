package dev.starling.ai.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

/** Jinjava's interpreter printing booleans as Python does ({@code {{ true }}} is {@code True}). */
final class PythonInterpreter extends JinjavaInterpreter {

    static final InterpreterFactory FACTORY = new InterpreterFactory() {
        @Override
        public JinjavaInterpreter newInstance(JinjavaInterpreter orig) {
            return new PythonInterpreter(orig);
        }

        @Override
        public JinjavaInterpreter newInstance(Jinjava application, Context context, JinjavaConfig renderConfig) {
            return new PythonInterpreter(application, context, renderConfig);
        }
    };

    private PythonInterpreter(JinjavaInterpreter orig) {
        super(orig);
    }

    private PythonInterpreter(Jinjava application, Context context, JinjavaConfig config) {
        super(application, context, config);
    }

    @Override
    public String getAsString(Object object) {
        if (object instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return super.getAsString(object);
    }
}
