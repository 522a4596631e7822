package dev.starling.app.admin;

import dev.starling.app.DatabaseOptions;
import dev.starling.app.StarlingSubcommand;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.Role;
import dev.starling.social.common.Outcome;
import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code starling admin grant|revoke|list}: the operator's way to give an account the admin role (the
 * web app's admin area, model switching, trend moderation). There is deliberately no HTTP endpoint for
 * it: whoever can run this command already owns the database.
 */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Grant, revoke or list the admin role.",
        subcommands = {AdminCommand.Grant.class, AdminCommand.Revoke.class, AdminCommand.ListAdmins.class, CommandLine.HelpCommand.class})
public final class AdminCommand implements StarlingSubcommand, Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** grant and revoke differ only in the role they set. */
    abstract static class SetRole implements Callable<Integer> {
        @Mixin
        DatabaseOptions db;

        @Parameters(paramLabel = "USERNAME", description = "The account's username (without @)")
        String username;

        abstract Role role();

        @Override
        public Integer call() {
            return setRole(db, username, role(), System.out, System.err);
        }
    }

    @Command(name = "grant", mixinStandardHelpOptions = true, description = "Make USERNAME an admin.")
    public static final class Grant extends SetRole {
        @Override
        Role role() {
            return Role.ADMIN;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Make USERNAME an ordinary user again.")
    public static final class Revoke extends SetRole {
        @Override
        Role role() {
            return Role.USER;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the admin accounts.")
    public static final class ListAdmins implements Callable<Integer> {
        @Mixin
        DatabaseOptions db;

        @Override
        public Integer call() {
            try (DatabaseOptions.Opened opened = db.open()) {
                Social social = Social.create(opened.database(), Social.Settings.defaults());
                var ids = social.accounts().admins(1000);
                if (ids.isEmpty()) {
                    System.out.println("no admin accounts (grant one with: starling admin grant USERNAME)");
                }
                for (Account a : social.accounts().byIds(ids)) {
                    System.out.println("@" + a.username());
                }
            }
            return 0;
        }
    }

    static int setRole(DatabaseOptions db, String username, Role role, PrintStream out, PrintStream err) {
        String name = username.startsWith("@") ? username.substring(1) : username;
        try (DatabaseOptions.Opened opened = db.open()) {
            Social social = Social.create(opened.database(), Social.Settings.defaults());
            Optional<Account> account = social.accounts().byUsername(name);
            if (account.isEmpty()) {
                err.println("starling: no account @" + name + " on this instance");
                return 2;
            }
            return switch (social.accounts().setRole(account.get().id(), role)) {
                case Outcome.Ok<Role> ok -> {
                    out.println("@" + name + " is now " + (ok.value() == Role.ADMIN ? "an admin" : "an ordinary user"));
                    yield 0;
                }
                case Outcome.Rejected<Role> r -> {
                    err.println("starling: " + r.rejection().message());
                    yield 2;
                }
            };
        }
    }
}
