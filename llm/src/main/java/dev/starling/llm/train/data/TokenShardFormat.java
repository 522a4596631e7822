package dev.starling.llm.train.data;

/**
 * The on-disk formats of token shards that existing GPU trainers read.
 *
 * <p>llm.c ({@code dev/data/data_common.py}, {@code write_datafile}): a header of 256 little-endian int32 —
 * [0] magic, [1] version, [2] token count, the rest zero — then the tokens, little-endian: uint16 for the "gpt-2"
 * descriptor (magic 20240520, version 1) or uint32 for the "llama-3" descriptor (magic 20240801, version 7). The
 * count is an int32, so a shard holds fewer than 2^31 tokens.
 *
 * <p>nanoGPT ({@code data/openwebtext/prepare.py}): no header, the tokens as little-endian uint16
 * ({@code np.memmap(path, dtype=np.uint16)}), so only for vocabularies of at most 65,536 tokens.
 */
public enum TokenShardFormat {
    /** llm.c with uint16 tokens (GPT-2 descriptor). */
    LLMC_UINT16(20240520, 1, 2),
    /** llm.c with uint32 tokens (Llama 3 descriptor). */
    LLMC_UINT32(20240801, 7, 4),
    /** nanoGPT: raw uint16, no header. */
    NANOGPT_UINT16(0, 0, 2);

    /** The llm.c header: 256 int32 values. */
    public static final int LLMC_HEADER_INTS = 256;
    public static final int LLMC_HEADER_BYTES = LLMC_HEADER_INTS * 4;
    /** The most tokens an llm.c shard can count in its int32 header. */
    public static final long LLMC_MAX_TOKENS = Integer.MAX_VALUE;

    private final int magic;
    private final int version;
    private final int tokenBytes;

    TokenShardFormat(int magic, int version, int tokenBytes) {
        this.magic = magic;
        this.version = version;
        this.tokenBytes = tokenBytes;
    }

    /** The llm.c format that holds every id of a vocabulary: uint16 up to 65,536 tokens, uint32 above. */
    public static TokenShardFormat llmcFor(int vocabSize) {
        if (vocabSize < 1) {
            throw new IllegalArgumentException("vocabulary size " + vocabSize + " is below 1");
        }
        return vocabSize <= 1 << 16 ? LLMC_UINT16 : LLMC_UINT32;
    }

    public boolean hasHeader() {
        return this != NANOGPT_UINT16;
    }

    public int headerBytes() {
        return hasHeader() ? LLMC_HEADER_BYTES : 0;
    }

    public int magic() {
        return magic;
    }

    public int version() {
        return version;
    }

    /** Bytes per token: 2 or 4. */
    public int tokenBytes() {
        return tokenBytes;
    }

    /** The largest token id the format stores. */
    public long maxTokenId() {
        return tokenBytes == 2 ? 0xFFFF : 0xFFFF_FFFFL;
    }

    /** The most tokens one file of this format may hold. */
    public long maxTokens() {
        return hasHeader() ? LLMC_MAX_TOKENS : Long.MAX_VALUE / 2;
    }
}
