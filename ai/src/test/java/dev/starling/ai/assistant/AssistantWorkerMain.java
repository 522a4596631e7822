package dev.starling.ai.assistant;

import dev.starling.ai.budget.AiBudget;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.social.Social;
import dev.starling.social.db.Database;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Child process for {@link AssistantKillTest}: runs the assistant (dispatcher and workers, the tiny model in
 * this process) against the parent's database until it is killed.
 *
 * <p>Arguments: JDBC URL, database user, GGUF path, workers, and optionally an operator's prompts directory.
 */
public final class AssistantWorkerMain {

    public static void main(String[] args) throws Exception {
        Database db = Database.open(new Database.Config(args[0], args[1], null, 8));
        Social social = Social.create(db, Social.Settings.defaults());
        ModelRegistry registry = TinyModel.registry(Path.of(args[2]));
        AiBudget budget = new AiBudget(db, AiBudget.Config.parse("assistant=1000000/1000000000"), Clock.systemUTC());
        AssistantConfig config = AssistantConfig.defaults().withWorkers(Integer.parseInt(args[3]), 4).withPolling(50, 20)
                .withGeneration(8, 20_000, 2, 10);
        AssistantService assistant = AssistantService.create(social, registry, null, budget,
                args.length > 4 ? Prompts.withDirectory(Path.of(args[4])) : Prompts.classpath(), config);
        assistant.start();
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
