/**
 * Post text helpers shared by the write path (validation, entities) and the renderers:
 * {@link dev.starling.social.text.TextExtractor}, twitter-text's extractor with a URL pass that runs
 * at most once per text and not at all when the text cannot hold a URL.
 */
package dev.starling.social.text;
