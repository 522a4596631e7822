package dev.starling.ai.chat;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.AdditionOperator;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.NamedParameterOperator;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstBracket;
import jinjava.de.odysseus.el.tree.impl.ast.AstDot;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;

/**
 * Jinjava's expression syntax made to parse what Python's Jinja parses the way Python's Jinja does, where real chat
 * templates depend on it:
 * <ul>
 * <li>{@code not} binds below comparisons and tests and above {@code and}/{@code or}: {@code not x is defined} is
 * {@code not (x is defined)}, {@code not a == b} is {@code not (a == b)} (JUEL bound it like Java's {@code !});</li>
 * <li>a keyword argument's value is a whole expression: {@code namespace(i=messages|length - 1)} (Jinjava read
 * {@code (i=messages|length) - 1});</li>
 * <li>slices are Python's, steps included: {@code messages[::-1]}, {@code s[1:10:2]}, {@code s[-3:]}, strings
 * counted in code points (see {@link AstSlice}).</li>
 * </ul>
 * Public only because the expression factory instantiates it by class name.
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

        @Override
        protected AstNode add(boolean required) throws Scanner.ScanException, ParseException {
            AstNode v = mul(required);
            if (v == null) {
                return null;
            }
            while (true) {
                switch (getToken().getSymbol()) {
                    case PLUS -> {
                        consumeToken();
                        v = createAstBinary(v, mul(true), AdditionOperator.OP);
                    }
                    case MINUS -> {
                        consumeToken();
                        v = createAstBinary(v, mul(true), AstBinary.SUB);
                    }
                    case EXTENSION -> {
                        ExtensionHandler handler = getExtensionHandler(getToken());
                        if (handler.getExtensionPoint() != ExtensionPoint.ADD) {
                            return v;
                        }
                        boolean keywordArgument = getToken().getImage().equals(NamedParameterOperator.TOKEN.getImage());
                        consumeToken();
                        if (keywordArgument) {
                            return handler.createAstNode(v, expr(true));
                        }
                        v = handler.createAstNode(v, mul(true));
                    }
                    default -> {
                        return v;
                    }
                }
            }
        }

        /** ExtendedParser's value() with natural precedence, and Python slices ({@code [start:end:step]}). */
        @Override
        protected AstNode value() throws Scanner.ScanException, ParseException {
            boolean lvalue = true;
            AstNode v = nonliteral();
            if (v == null) {
                v = literal();
                if (v == null) {
                    return null;
                }
                lvalue = false;
            }
            while (true) {
                switch (getToken().getSymbol()) {
                    case DOT -> {
                        consumeToken();
                        String name = consumeToken(Scanner.Symbol.IDENTIFIER).getImage();
                        AstDot dot = createAstDot(v, name, lvalue);
                        v = getToken().getSymbol() == Scanner.Symbol.LPAREN && methodInvocations()
                                ? createAstMethod(dot, params()) : dot;
                    }
                    case LBRACK -> {
                        consumeToken();
                        AstNode start = expr(false);
                        boolean strict = !context.isEnabled(Feature.NULL_PROPERTIES);
                        Scanner.Token next = consumeToken();
                        if (next.getSymbol() == Scanner.Symbol.COLON) {
                            AstNode end = getToken().getSymbol() == Scanner.Symbol.COLON ? null : expr(false);
                            AstNode step = null;
                            if (getToken().getSymbol() == Scanner.Symbol.COLON) {
                                consumeToken();
                                step = expr(false);
                            }
                            consumeToken(Scanner.Symbol.RBRACK);
                            v = new AstSlice(v, start, end, step);
                        } else if (next.getSymbol() == Scanner.Symbol.RBRACK) {
                            AstBracket bracket = createAstBracket(v, start, lvalue, strict);
                            v = getToken().getSymbol() == Scanner.Symbol.LPAREN && methodInvocations()
                                    ? createAstMethod(bracket, params()) : bracket;
                        } else {
                            fail(Scanner.Symbol.RBRACK);
                        }
                    }
                    default -> {
                        return v;
                    }
                }
            }
        }

        private boolean methodInvocations() {
            return context.isEnabled(Feature.METHOD_INVOCATIONS);
        }
    }
}
