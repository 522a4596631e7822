package dev.starling.search.index;

import dev.starling.social.export.PostExport.ExportedPost;
import dev.starling.social.posts.Entities;
import dev.starling.social.posts.Post;
import java.util.Locale;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * The fields of one post document (originals only: reposts are not documents, they count into
 * {@link #REPOSTS}). Everything the visibility filter needs is indexed: author, visibility code,
 * mentioned account ids.
 */
public final class PostFields {

    /** Unique key (decimal id) for updates and deletes. */
    public static final String KEY = "key";
    /** Post id: point + doc values (sort for Latest; ids are time-ordered) + stored. */
    public static final String ID = "id";
    /** Author id: point (filters) + doc values (the author signal of Top, read at query time). */
    public static final String AUTHOR = "author";
    public static final String FROM = "from";
    public static final String TO = "to";
    public static final String VISIBILITY = "vis";
    public static final String MENTION = "mention";
    public static final String TEXT = "text";
    public static final String TAG = "tag";
    public static final String LANG = "lang";
    public static final String HAS = "has";
    public static final String REPLY = "reply";
    public static final String CREATED = "created";
    public static final String FAVES = "faves";
    public static final String REPOSTS = "reposts";
    public static final String VECTOR = "vec";
    /**
     * Doc values: the hash of the text the vector was computed from, so that a count update reuses
     * the vector (read back from the vector field) instead of embedding the same text again.
     */
    public static final String TEXT_HASH = "text_hash";
    /**
     * {@code "1"} on a post indexed before its vector (the lexical pass does not wait for the
     * embedding; {@link VectorBackfill} adds it). Committed with the document, so after a crash the
     * posts still waiting for a vector are found here and get one.
     */
    public static final String VECTOR_PENDING = "vec_pending";

    private PostFields() {
    }

    public static Term key(long postId) {
        return new Term(KEY, Long.toString(postId));
    }

    /** Lower case, no leading sigil: how usernames, tags and languages are indexed and queried. */
    public static String keyword(String s, char sigil) {
        String t = s.strip();
        if (!t.isEmpty() && t.charAt(0) == sigil) {
            t = t.substring(1);
        }
        return t.toLowerCase(Locale.ROOT);
    }

    /** The text embedded and indexed for a post: content warning plus text. */
    public static String searchableText(Post p) {
        return p.spoilerText() == null || p.spoilerText().isBlank() ? p.text() : p.spoilerText() + "\n" + p.text();
    }

    /** The document with its vector, or without one ({@code vector} null) and not waiting for one. */
    public static Document document(ExportedPost e, float[] vector) {
        return document(e, vector, false);
    }

    /**
     * The document; when {@code vector} is null and {@code vectorPending}, it is marked as waiting
     * for its vector ({@link #VECTOR_PENDING}).
     */
    public static Document document(ExportedPost e, float[] vector, boolean vectorPending) {
        Post p = e.post();
        if (p.isReblog()) {
            throw new IllegalArgumentException("reposts are not indexed: " + p.id());
        }
        Document d = new Document();
        d.add(new StringField(KEY, Long.toString(p.id()), Field.Store.NO));
        d.add(new LongPoint(ID, p.id()));
        d.add(new NumericDocValuesField(ID, p.id()));
        d.add(new StoredField(ID, p.id()));
        d.add(new LongPoint(AUTHOR, p.authorId()));
        d.add(new NumericDocValuesField(AUTHOR, p.authorId()));
        d.add(new StringField(FROM, keyword(e.authorUsername(), '@'), Field.Store.NO));
        if (e.inReplyToUsername() != null) {
            d.add(new StringField(TO, keyword(e.inReplyToUsername(), '@'), Field.Store.NO));
        }
        d.add(new IntPoint(VISIBILITY, p.visibility().code()));
        d.add(new NumericDocValuesField(VISIBILITY, p.visibility().code()));
        for (Entities.Mention m : p.entities().mentions()) {
            d.add(new LongPoint(MENTION, m.accountId()));
        }
        String text = searchableText(p);
        d.add(new TextField(TEXT, text, Field.Store.NO));
        for (String tag : p.entities().hashtags()) {
            d.add(new StringField(TAG, keyword(tag, '#'), Field.Store.NO));
        }
        if (p.language() != null && !p.language().isBlank()) {
            d.add(new StringField(LANG, keyword(p.language(), ' '), Field.Store.NO));
        }
        if (!p.entities().urls().isEmpty()) {
            d.add(new StringField(HAS, "links", Field.Store.NO));
        }
        d.add(new StringField(REPLY, p.isReply() ? "1" : "0", Field.Store.NO));
        long created = p.createdAt().toEpochMilli();
        d.add(new LongPoint(CREATED, created));
        d.add(new NumericDocValuesField(CREATED, created));
        d.add(new LongPoint(FAVES, e.favouritesCount()));
        d.add(new NumericDocValuesField(FAVES, e.favouritesCount()));
        d.add(new LongPoint(REPOSTS, e.reblogsCount()));
        d.add(new NumericDocValuesField(REPOSTS, e.reblogsCount()));
        if (vector != null) {
            d.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
            d.add(new NumericDocValuesField(TEXT_HASH, text.hashCode()));
        } else if (vectorPending) {
            d.add(new StringField(VECTOR_PENDING, "1", Field.Store.NO));
        }
        return d;
    }

    /** The term that marks documents waiting for their vector. */
    public static Term vectorPending() {
        return new Term(VECTOR_PENDING, "1");
    }
}
