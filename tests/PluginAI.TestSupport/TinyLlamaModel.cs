namespace PluginAI.TestSupport;

/// <summary>Writes tiny random-weight llama models in GGUF v3 that the real llama.cpp loads, tokenizes with, generates from and embeds with.</summary>
/// <remarks>
/// <para>
/// The file holds what llama.cpp requires of a llama model: the hyperparameters, a SentencePiece vocabulary with
/// <c>&lt;unk&gt;</c>, <c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>, the byte-fallback tokens <c>&lt;0x00&gt;</c> to <c>&lt;0xFF&gt;</c>,
/// the ChatML markers and printable pieces, and F32 tensors aligned to 32 bytes. Mean pooling is declared for embeddings.
/// </para>
/// <para>
/// The output matrix gives zero logits to control and byte tokens, so sampling picks printable pieces: generated text is
/// readable ASCII and end-of-sequence is rare, which keeps tests of token limits and stop sequences meaningful.
/// The same options give byte-identical files.
/// </para>
/// </remarks>
public static class TinyLlamaModel
{
    /// <summary>A ChatML template, in the Jinja form llama.cpp recognises.</summary>
    public const string ChatMLTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    /// <summary>The id of <c>&lt;s&gt;</c>.</summary>
    public const int BosTokenId = 1;

    /// <summary>The id of <c>&lt;/s&gt;</c>.</summary>
    public const int EosTokenId = 2;

    private const int TokenTypeNormal = 1;
    private const int TokenTypeUnknown = 2;
    private const int TokenTypeControl = 3;
    private const int TokenTypeByte = 6;

    private static readonly string[] s_words =
    [
        "▁the", "▁of", "▁and", "▁to", "▁in", "▁is", "▁it", "▁you", "▁that", "▁he", "▁was", "▁for", "▁on", "▁are",
        "▁with", "▁as", "▁his", "▁they", "▁be", "▁at", "▁one", "▁have", "▁this", "▁from", "▁or", "▁had", "▁by",
        "▁hello", "▁world", "▁Hello", "▁model", "▁answer", "▁question", "▁local", "▁plugin", "▁user", "▁assistant",
        "▁system", "▁document", "▁test", "▁token", "he", "ll", "lo", "or", "ld", "er", "in", "on", "an", "re", "th",
    ];

    /// <summary>Gets the smallest vocabulary a model can have: the control, byte, ChatML, character and word tokens.</summary>
    public static int MinimumVocabularySize { get; } = BuildFixedVocabulary().Count;

    /// <summary>Writes a model file.</summary>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <param name="options">The shape and seed; <see langword="null"/> for the defaults.</param>
    public static void Write(string path, TinyLlamaModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new TinyLlamaModelOptions();
        Validate(options);

        var (tokens, types, scores) = BuildVocabulary(options.VocabularySize);
        var arch = options.Architecture;
        var embd = options.EmbeddingLength;
        var ff = options.FeedForwardLength;
        var vocab = tokens.Length;

        var writer = new GgufWriter()
            .Add("general.architecture", arch)
            .Add("general.name", options.Name)
            .Add("general.file_type", 0u)
            .Add($"{arch}.context_length", (uint)options.ContextLength)
            .Add($"{arch}.embedding_length", (uint)embd)
            .Add($"{arch}.block_count", (uint)options.BlockCount)
            .Add($"{arch}.feed_forward_length", (uint)ff)
            .Add($"{arch}.attention.head_count", (uint)options.HeadCount)
            .Add($"{arch}.attention.head_count_kv", (uint)options.HeadCount)
            .Add($"{arch}.attention.layer_norm_rms_epsilon", 1e-5f)
            .Add($"{arch}.rope.dimension_count", (uint)(embd / options.HeadCount))
            .Add($"{arch}.vocab_size", (uint)vocab)
            .Add($"{arch}.pooling_type", 1u)
            .Add("tokenizer.ggml.model", "llama")
            .Add("tokenizer.ggml.tokens", tokens)
            .Add("tokenizer.ggml.scores", scores)
            .Add("tokenizer.ggml.token_type", types)
            .Add("tokenizer.ggml.unknown_token_id", 0u)
            .Add("tokenizer.ggml.bos_token_id", (uint)BosTokenId)
            .Add("tokenizer.ggml.eos_token_id", (uint)EosTokenId)
            .Add("tokenizer.ggml.add_bos_token", true)
            .Add("tokenizer.ggml.add_eos_token", false);
        if (options.ChatTemplate is not null)
        {
            writer.Add("tokenizer.chat_template", options.ChatTemplate);
        }

        // One generator drawn in file order keeps the file a pure function of the options.
        var random = new Random(options.Seed);
        Action<Span<float>> Uniform(float scale) => span =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = ((random.NextSingle() * 2) - 1) * scale;
            }
        };
        static void Ones(Span<float> span) => span.Fill(1f);

        var matrixScale = 1f / MathF.Sqrt(embd);
        writer.AddTensor("token_embd.weight", [embd, vocab], Uniform(1f));
        writer.AddTensor("output_norm.weight", [embd], Ones);
        writer.AddTensor("output.weight", [embd, vocab], options.GreedyNeverEnds ? MirroredOutputRows(types, embd, random) : OutputRows(types, embd, random));
        for (var layer = 0; layer < options.BlockCount; layer++)
        {
            var prefix = $"blk.{layer}.";
            writer.AddTensor(prefix + "attn_norm.weight", [embd], Ones);
            writer.AddTensor(prefix + "attn_q.weight", [embd, embd], Uniform(matrixScale));
            writer.AddTensor(prefix + "attn_k.weight", [embd, embd], Uniform(matrixScale));
            writer.AddTensor(prefix + "attn_v.weight", [embd, embd], Uniform(matrixScale));
            writer.AddTensor(prefix + "attn_output.weight", [embd, embd], Uniform(matrixScale));
            writer.AddTensor(prefix + "ffn_norm.weight", [embd], Ones);
            writer.AddTensor(prefix + "ffn_gate.weight", [embd, ff], Uniform(matrixScale));
            writer.AddTensor(prefix + "ffn_up.weight", [embd, ff], Uniform(matrixScale));
            writer.AddTensor(prefix + "ffn_down.weight", [ff, embd], Uniform(1f / MathF.Sqrt(ff)));
        }

        writer.Write(path);
    }

    /// <summary>Gets the approximate size in bytes of the file <see cref="Write"/> produces for the options.</summary>
    /// <param name="options">The shape.</param>
    /// <returns>The size of the tensor data, which dominates the file.</returns>
    public static long EstimateSize(TinyLlamaModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        long embd = options.EmbeddingLength;
        long ff = options.FeedForwardLength;
        var perLayer = (2 * embd) + (4 * embd * embd) + (3 * embd * ff);
        return sizeof(float) * ((2 * embd * options.VocabularySize) + embd + (options.BlockCount * perLayer));
    }

    private static Action<Span<float>> OutputRows(int[] types, int embd, Random random)
    {
        // Row t of the output matrix scores token t. Zero rows for control and byte tokens keep their logits at 0 while
        // printable pieces spread around it, so sampling rarely picks them.
        long index = 0;
        return span =>
        {
            for (var i = 0; i < span.Length; i++, index++)
            {
                var token = (int)(index / embd);
                span[i] = types[token] == TokenTypeNormal ? ((random.NextSingle() * 2) - 1) * 0.5f : 0f;
            }
        };
    }

    private static Action<Span<float>> MirroredOutputRows(int[] types, int embd, Random random)
    {
        // Each printable row after the first of a pair is the negation of the one before, so the best printable logit is
        // |r . h| > 0 for some r, which beats the zero logits of control and byte tokens, end of sequence included.
        // A printable token left without a partner gets a zero row, which cannot win either.
        var partner = new int[types.Length];
        var previous = -1;
        for (var token = 0; token < types.Length; token++)
        {
            partner[token] = -1;
            if (types[token] != TokenTypeNormal)
            {
                continue;
            }

            if (previous < 0)
            {
                previous = token;
            }
            else
            {
                partner[previous] = token;
                partner[token] = previous;
                previous = -1;
            }
        }

        var rows = new float[]?[types.Length];
        long index = 0;
        return span =>
        {
            for (var i = 0; i < span.Length; i++, index++)
            {
                var token = (int)(index / embd);
                var column = (int)(index % embd);
                var other = partner[token];
                if (other < 0)
                {
                    span[i] = 0f;
                }
                else if (other > token)
                {
                    var row = rows[token] ??= new float[embd];
                    span[i] = row[column] = ((random.NextSingle() * 2) - 1) * 0.5f;
                }
                else
                {
                    span[i] = -rows[other]![column];
                    if (column == embd - 1)
                    {
                        rows[other] = null;
                    }
                }
            }
        };
    }

    private static void Validate(TinyLlamaModelOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.Architecture);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HeadCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BlockCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FeedForwardLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ContextLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.VocabularySize, MinimumVocabularySize);
        if (options.EmbeddingLength < options.HeadCount || options.EmbeddingLength % options.HeadCount != 0)
        {
            throw new ArgumentException($"EmbeddingLength ({options.EmbeddingLength}) must be a multiple of HeadCount ({options.HeadCount}).", nameof(options));
        }
    }

    private static List<(string Text, int Type)> BuildFixedVocabulary()
    {
        var vocabulary = new List<(string, int)> { ("<unk>", TokenTypeUnknown), ("<s>", TokenTypeControl), ("</s>", TokenTypeControl) };
        for (var b = 0; b < 256; b++)
        {
            vocabulary.Add(($"<0x{b:X2}>", TokenTypeByte));
        }

        vocabulary.Add(("<|im_start|>", TokenTypeControl));
        vocabulary.Add(("<|im_end|>", TokenTypeControl));
        vocabulary.Add(("▁", TokenTypeNormal));
        for (var c = '!'; c <= '~'; c++)
        {
            vocabulary.Add((c.ToString(), TokenTypeNormal));
        }

        for (var c = 'a'; c <= 'z'; c++)
        {
            vocabulary.Add(("▁" + c, TokenTypeNormal));
        }

        foreach (var word in s_words)
        {
            vocabulary.Add((word, TokenTypeNormal));
        }

        return vocabulary;
    }

    private static (string[] Tokens, int[] Types, float[] Scores) BuildVocabulary(int size)
    {
        var vocabulary = BuildFixedVocabulary();
        var seen = vocabulary.Select(v => v.Text).ToHashSet(StringComparer.Ordinal);

        // Fill the rest with letter pairs and triples, with and without a leading word marker, in a fixed order.
        IEnumerable<string> Fillers()
        {
            const string letters = "etaoinshrdlucmfwypvbgkjqxz";
            foreach (var a in letters)
            {
                foreach (var b in letters)
                {
                    yield return $"▁{a}{b}";
                    yield return $"{a}{b}";
                }
            }

            foreach (var a in letters)
            {
                foreach (var b in letters)
                {
                    foreach (var c in letters)
                    {
                        yield return $"▁{a}{b}{c}";
                        yield return $"{a}{b}{c}";
                    }
                }
            }

            for (var n = 0; ; n++)
            {
                yield return $"▁w{n}";
            }
        }

        using var filler = Fillers().GetEnumerator();
        while (vocabulary.Count < size && filler.MoveNext())
        {
            if (seen.Add(filler.Current))
            {
                vocabulary.Add((filler.Current, TokenTypeNormal));
            }
        }

        var tokens = vocabulary.Select(v => v.Text).ToArray();
        var types = vocabulary.Select(v => v.Type).ToArray();

        // SentencePiece merges the highest-scoring pieces first; longer pieces score higher so words stay whole.
        var scores = vocabulary.Select(v => v.Type == TokenTypeNormal ? v.Text.Length * 1f : 0f).ToArray();
        return (tokens, types, scores);
    }
}
