using System.Globalization;
using System.Text;
using PluginAI.Processing;

namespace PluginAI.Documents.Tests;

public sealed class DocumentChunkerTests : IDisposable
{
    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string> Counters => ["whitespace", "wordpiece", "estimate"];

    [Theory]
    [MemberData(nameof(Counters))]
    public async Task Chunks_NeverExceedTheBudget_AndTheirTextIsTheExtractedTextBetweenTheirOffsets(string counterName)
    {
        var counter = CreateCounter(counterName);
        var path = _files.Write("long.md", LongMarkdown());

        var document = await Pipeline.RunAsync(path, counter);

        var text = Pipeline.ExtractedText(document);
        var measure = counter ?? new EstimateCounter();
        Assert.True(document.Chunks.Count > 20, $"only {document.Chunks.Count} chunks");
        foreach (var chunk in document.Chunks)
        {
            Assert.True(measure.CountTokens(chunk.Text) <= 200, $"chunk {chunk.Index} has {measure.CountTokens(chunk.Text)} tokens");
            Assert.Equal(measure.CountTokens(chunk.Text), chunk.TokenCount);
            Assert.Equal(text[chunk.StartOffset..chunk.EndOffset], chunk.Text);
            Assert.Equal(chunk.Text.Trim(), chunk.Text);
        }

        Assert.Equal(Enumerable.Range(0, document.Chunks.Count), document.Chunks.Select(c => c.Index));
    }

    [Fact]
    public async Task Chunks_CoverAllTextInOrder()
    {
        var path = _files.Write("long.md", LongMarkdown());

        var document = await Pipeline.RunAsync(path, new WhitespaceTokenCounter());

        var text = Pipeline.ExtractedText(document);
        var covered = new bool[text.Length];
        foreach (var chunk in document.Chunks)
        {
            covered.AsSpan(chunk.StartOffset, chunk.EndOffset - chunk.StartOffset).Fill(true);
        }

        var uncovered = Enumerable.Range(0, text.Length).Where(i => !covered[i] && !char.IsWhiteSpace(text[i])).ToList();
        Assert.Empty(uncovered);
        Assert.True(document.Chunks.Zip(document.Chunks.Skip(1)).All(p => p.First.StartOffset < p.Second.StartOffset));
    }

    [Fact]
    public async Task Chunks_FollowSections_AndNeverCrossAHeading()
    {
        var path = _files.Write("long.md", LongMarkdown());

        var document = await Pipeline.RunAsync(path, new WhitespaceTokenCounter());

        foreach (var chunk in document.Chunks)
        {
            var sections = document.Sections.Where(s => s.StartOffset < chunk.EndOffset && s.StartOffset + s.Text.Length > chunk.StartOffset).ToList();
            Assert.All(sections, s => Assert.Equal(chunk.Section, s.Section));
        }

        Assert.Contains(document.Chunks, c => c.Section == "Guide > Part 2 > Details");
    }

    [Fact]
    public async Task ConsecutiveChunksOfOneSection_OverlapByAtMostTheOverlapBudget()
    {
        var words = string.Join(' ', Enumerable.Range(0, 1000).Select(i => $"w{i}"));
        var path = _files.Write("words.txt", words);

        var document = await Pipeline.RunAsync(path, new WhitespaceTokenCounter());

        Assert.True(document.Chunks.Count >= 5);
        foreach (var (previous, next) in document.Chunks.Zip(document.Chunks.Skip(1)))
        {
            Assert.True(next.StartOffset < previous.EndOffset, "chunks of one section overlap");
            var overlap = words[next.StartOffset..previous.EndOffset];
            Assert.Equal(30, new WhitespaceTokenCounter().CountTokens(overlap));
            Assert.Equal(200, previous.TokenCount);
        }
    }

    [Theory]
    [MemberData(nameof(Counters))]
    public async Task EmbeddingText_StartsWithTheHeadingWithinItsOwnBudget_WhileTextIsTheDocumentsOwn(string counterName)
    {
        var counter = CreateCounter(counterName);
        var path = _files.Write("long.md", LongMarkdown());

        var document = await Pipeline.RunAsync(path, counter);

        var measure = counter ?? new EstimateCounter();
        var text = Pipeline.ExtractedText(document);
        foreach (var chunk in document.Chunks)
        {
            Assert.NotNull(chunk.EmbeddingText);
            var last = chunk.Section!.Split(" > ")[^1];
            Assert.StartsWith((last == "Guide" ? "Guide" : "Guide\n" + last) + "\n\n", chunk.EmbeddingText, StringComparison.Ordinal);
            Assert.EndsWith(chunk.Text, chunk.EmbeddingText, StringComparison.Ordinal);
            Assert.Equal(text[chunk.StartOffset..chunk.EndOffset], chunk.Text);
            Assert.True(measure.CountTokens(chunk.EmbeddingText[..^chunk.Text.Length]) <= 48, $"chunk {chunk.Index}'s heading has {measure.CountTokens(chunk.EmbeddingText[..^chunk.Text.Length])} tokens");
            Assert.True(measure.CountTokens(chunk.EmbeddingText) <= 200 + 48, $"chunk {chunk.Index} embeds {measure.CountTokens(chunk.EmbeddingText)} tokens");
        }
    }

    [Fact]
    public async Task EmbeddingText_HeadingIsTheTitleAndTheUnitsOwnHeading_WithoutSectionNumbers()
    {
        var path = _files.Write("ch05.md", "# Chapter 5. Network setup\n\nIntro text.\n\n## 5.1. The basic network\n\n### 5.1.3. The address range for the LAN\n\nUse a private range.\n\n## Part of speech tagging\n\nNot a number.\n");

        var document = await Pipeline.RunAsync(path, new WhitespaceTokenCounter());

        string HeadingOf(string text) => document.Chunks.Single(c => c.Text.Contains(text, StringComparison.Ordinal)) is var chunk ? chunk.EmbeddingText![..^chunk.Text.Length] : "";
        Assert.Equal("Network setup\n\n", HeadingOf("Intro text."));
        Assert.Equal("Network setup\nThe address range for the LAN\n\n", HeadingOf("Use a private range."));
        Assert.Equal("Network setup\nPart of speech tagging\n\n", HeadingOf("Not a number."));
    }

    [Fact]
    public async Task EmbeddingText_OfAReferencePage_StartsWithItsNameLine()
    {
        var path = _files.Write("ls.1.txt", "LS(1)                 User Commands                 LS(1)\n\nNAME\n       ls - list directory contents\n\nDESCRIPTION\n       List information about the FILEs.\n");

        var document = await Pipeline.RunAsync(path, new WhitespaceTokenCounter());

        Assert.Equal("ls - list directory contents", document.Title);
        Assert.All(document.Chunks, c => Assert.StartsWith("ls - list directory contents\n\n", c.EmbeddingText, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EmbeddingText_WithoutATitle_StartsWithTheFileNameAndTheSectionPath()
    {
        var path = _files.Write("release-notes.md", "## Upgrading\n\nStop the server before you upgrade.\n");

        var document = await Pipeline.RunAsync(path, new WhitespaceTokenCounter());

        var chunk = Assert.Single(document.Chunks);
        Assert.Null(document.Title);
        Assert.Equal("release-notes\nUpgrading\n\n" + chunk.Text, chunk.EmbeddingText);
        Assert.EndsWith("Stop the server before you upgrade.", chunk.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddingText_LongHeading_IsCutToAQuarterOfTheBudgetAndLeavesTheChunksAsTheyWere()
    {
        var title = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"t{i}"));
        var body = string.Join(' ', Enumerable.Range(0, 300).Select(i => $"b{i}"));
        var path = _files.Write("long-title.md", $"# {title}\n\n{body}");
        var counter = new WhitespaceTokenCounter();

        var document = await Pipeline.RunAsync(path, counter, new DocumentChunkerOptions { MaxTokens = 60, OverlapTokens = 0, HeadingTokens = 48 });
        var plain = await Pipeline.RunAsync(path, counter, new DocumentChunkerOptions { MaxTokens = 60, OverlapTokens = 0, HeadingTokens = 0 });

        Assert.Equal(plain.Chunks.Select(c => c.Text), document.Chunks.Select(c => c.Text));
        foreach (var chunk in document.Chunks)
        {
            var heading = chunk.EmbeddingText![..^chunk.Text.Length];
            Assert.Equal(15, counter.CountTokens(heading));
            Assert.StartsWith("t0 t1 t2", heading, StringComparison.Ordinal);
            Assert.True(counter.CountTokens(chunk.EmbeddingText) <= 60 + 15);
        }
    }

    [Fact]
    public async Task EmbeddingText_HeadingTokensZero_EmbedsTheTextAlone()
    {
        var path = _files.Write("plain.md", "# Title\n\nSome text.\n");

        var document = await Pipeline.RunAsync(path, new WhitespaceTokenCounter(), new DocumentChunkerOptions { HeadingTokens = 0 });

        Assert.All(document.Chunks, c => Assert.Null(c.EmbeddingText));
    }

    [Fact]
    public async Task ChunksOfDifferentSections_DoNotOverlap()
    {
        var body = string.Join(' ', Enumerable.Range(0, 300).Select(i => $"a{i}"));
        var path = _files.Write("two.md", $"# One\n\n{body}\n\n# Two\n\n{body}");

        var document = await Pipeline.RunAsync(path, new WhitespaceTokenCounter());

        var firstOfTwo = document.Chunks.First(c => c.Section == "Two");
        var lastOfOne = document.Chunks.Last(c => c.Section == "One");
        Assert.True(firstOfTwo.StartOffset >= lastOfOne.EndOffset);
        Assert.StartsWith("Two", firstOfTwo.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunks_PreferParagraphAndSentenceBoundaries()
    {
        var sentence = "This sentence has exactly eight words in it.";
        var paragraph = string.Join(' ', Enumerable.Repeat(sentence, 5));
        var path = _files.Write("paragraphs.txt", string.Join("\n\n", Enumerable.Repeat(paragraph, 12)));

        var document = await Pipeline.RunAsync(path, new WhitespaceTokenCounter(), new DocumentChunkerOptions { MaxTokens = 100, OverlapTokens = 0 });

        Assert.All(document.Chunks, c => Assert.EndsWith(sentence, c.Text, StringComparison.Ordinal));
        Assert.All(document.Chunks, c => Assert.Equal(80, c.TokenCount));
    }

    [Fact]
    public async Task SmallDocument_IsOneChunk()
    {
        var path = _files.Write("small.txt", "One paragraph.\n\nAnother paragraph.");

        var document = await Pipeline.RunAsync(path, new WhitespaceTokenCounter());

        var chunk = Assert.Single(document.Chunks);
        Assert.Equal("One paragraph.\n\nAnother paragraph.", chunk.Text);
        Assert.Equal((0, chunk.Text.Length, 4), (chunk.StartOffset, chunk.EndOffset, chunk.TokenCount));
    }

    [Fact]
    public async Task AWordLongerThanTheBudget_IsCutIntoRunsThatFit()
    {
        var blob = new string('x', 5000);
        var path = _files.Write("blob.txt", $"before {blob} after");

        var document = await Pipeline.RunAsync(path, counter: null, new DocumentChunkerOptions { MaxTokens = 50, OverlapTokens = 10 });

        Assert.All(document.Chunks, c => Assert.True(c.TokenCount <= 50 && (c.Text.Length + 3) / 4 == c.TokenCount));
        Assert.Equal($"before {blob} after", string.Concat(Dedupe(document.Chunks, Pipeline.ExtractedText(document))));
    }

    [Fact]
    public async Task Chunker_KeepsExistingChunks()
    {
        var chunker = (await Pipeline.CreateAsync()).Single(p => p.Metadata.Name == "chunker");
        var document = new DocumentContent
        {
            SourcePath = "x",
            MediaType = DocumentMediaTypes.PlainText,
            Sections = [new DocumentSection { Text = "text" }],
            Chunks = [new DocumentChunk { Index = 0, Text = "made elsewhere" }],
        };

        Assert.Same(document, await chunker.ProcessDocumentAsync(document));
    }

    [Fact]
    public async Task SectionsWithoutOffsets_AreGivenOffsetsTheChunksAgreeWith()
    {
        var chunker = (await Pipeline.CreateAsync()).Single(p => p.Metadata.Name == "chunker");
        var document = new DocumentContent
        {
            SourcePath = "x",
            MediaType = DocumentMediaTypes.PlainText,
            Sections = [new DocumentSection { Text = "alpha beta" }, new DocumentSection { Text = "gamma" }],
            EmbeddingModelId = Pipeline.TokenCounters.Add(new WhitespaceTokenCounter()),
        };

        var result = await chunker.ProcessDocumentAsync(document);

        Assert.Equal([0, 12], result.Sections.Select(s => s.StartOffset));
        var chunk = Assert.Single(result.Chunks);
        Assert.Equal("alpha beta\n\ngamma", chunk.Text);
        Assert.Equal("alpha beta\n\ngamma"[chunk.StartOffset..chunk.EndOffset], chunk.Text);
    }

    [Theory]
    [InlineData(4, 0)]
    [InlineData(100, 60)]
    [InlineData(100, -1)]
    public void Options_OutOfRange_AreRejected(int maxTokens, int overlapTokens) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DocumentsPlugin(new DocumentChunkerOptions { MaxTokens = maxTokens, OverlapTokens = overlapTokens }));

    /// <summary>Rebuilds the text the chunks cover, each character once, to show that cutting lost nothing.</summary>
    private static IEnumerable<string> Dedupe(IReadOnlyList<DocumentChunk> chunks, string text)
    {
        var position = 0;
        foreach (var chunk in chunks)
        {
            var start = Math.Max(position, chunk.StartOffset);
            if (start > position)
            {
                yield return text[position..start];
            }

            yield return text[start..chunk.EndOffset];
            position = chunk.EndOffset;
        }
    }

    private static ITokenCounter? CreateCounter(string name) => name switch
    {
        "whitespace" => new WhitespaceTokenCounter(),
        "wordpiece" => new WordPieceLikeTokenCounter(),
        _ => null,
    };

    /// <summary>A Markdown guide with short and long paragraphs, a paragraph without sentence ends, and a very long word.</summary>
    private static string LongMarkdown()
    {
        var random = new Random(1234);
        var vocabulary = "the a retrieval model embeds chunks of text, which (in turn) are searched: quickly! offline? assistant's documents tokens budget overlap".Split(' ');
        string Sentence(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => vocabulary[random.Next(vocabulary.Length)])) + ".";
        var markdown = new StringBuilder("# Guide\n\nShort intro.\n\n");
        for (var part = 1; part <= 4; part++)
        {
            markdown.Append(CultureInfo.InvariantCulture, $"## Part {part}\n\n");
            for (var p = 0; p < 6; p++)
            {
                markdown.AppendJoin(' ', Enumerable.Range(0, random.Next(1, 25)).Select(_ => Sentence(random.Next(3, 30)))).Append("\n\n");
            }

            markdown.Append(CultureInfo.InvariantCulture, $"### Details\n\n");
            markdown.AppendJoin(' ', Enumerable.Range(0, 700).Select(_ => vocabulary[random.Next(vocabulary.Length)])).Append("\n\n");
            markdown.Append("- item one\n- item two\n\n");
            markdown.Append(new string('z', 3000)).Append("\n\n");
        }

        return markdown.ToString();
    }

    private sealed class EstimateCounter : ITokenCounter
    {
        public int CountTokens(string text) => (text.Length + 3) / 4;
    }
}
