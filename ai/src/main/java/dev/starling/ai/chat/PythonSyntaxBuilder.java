package dev.starling.ai.chat;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;

/**
 * Jinjava's expression syntax with Python's precedence for {@code not}. In JUEL {@code not} binds like Java's
 * {@code !}, so {@code not x is defined} meant {@code (not x) is defined} and {@code not a == b} meant
 * {@code (not a) == b}; in Jinja {@code not} binds below comparisons and tests: {@code not (x is defined)},
 * {@code not (a == b)}, and still above {@code and}/{@code or}. Real chat templates (Llama 3's among them)
 * depend on this. Public only because the expression factory instantiates it by class name.
 */
public final class PythonSyntaxBuilder extends ExtendedSyntaxBuilder {

    private static final long serialVersionUID = 1L;

    public PythonSyntaxBuilder() {
        super();
    }

    public PythonSyntaxBuilder(Feature... features) {
        super(features);
    }

    @Override
    protected Parser createParser(String expression) {
        return new PythonParser(this, expression);
    }

    private static final class PythonParser extends ExtendedParser {
        PythonParser(PythonSyntaxBuilder builder, String input) {
            super(builder, input);
        }

        @Override
        protected AstNode unary(boolean required) throws Scanner.ScanException, ParseException {
            if (getToken().getSymbol() == Scanner.Symbol.NOT) {
                consumeToken();
                return createAstUnary(eq(true), AstUnary.NOT);
            }
            return super.unary(required);
        }
    }
}
