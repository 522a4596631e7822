/**
 * Starling's social network: domain and storage on PostgreSQL (JDBC, Flyway, HikariCP).
 *
 * <p>Entry points for other modules:
 * <ul>
 *   <li>{@link dev.starling.social.db.Database} (pool + migrations; any {@code jdbc:postgresql:} URL) and
 *       {@link dev.starling.social.db.EmbeddedDatabase} (the embedded server of {@code starling serve}).</li>
 *   <li>{@link dev.starling.social.Social}: accounts, posts, relationships, timelines, notifications,
 *       outbox and importer services over one database.</li>
 *   <li>{@link dev.starling.social.visibility.Visibility#canSee}: the one visibility rule; its SQL twin
 *       {@link dev.starling.social.visibility.VisibilitySql} is what every read query uses.</li>
 *   <li>{@link dev.starling.social.outbox.Outbox}: poll/checkpoint domain events written in the same
 *       transaction as each change.</li>
 *   <li>{@link dev.starling.social.demo.DemoNetwork}, {@link dev.starling.social.imports.ArchiveImporter},
 *       {@link dev.starling.social.bench.SyntheticNetwork}: content for demos, imports, benchmarks.</li>
 * </ul>
 * Domain operations return {@link dev.starling.social.common.Outcome}; a rejection carries a
 * {@link dev.starling.social.common.Rejection.Kind} with a suggested HTTP status and a message safe
 * to show. Tests of other modules get a real database from {@code dev.starling.social.testing.TestDatabase}
 * (social's test-jar).
 */
package dev.starling.social;
