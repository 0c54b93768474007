using PluginAI.Runtime.Evaluation;

namespace PluginAI.Runtime.Tests;

public sealed class RetrievalQuestionReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pluginai-questions").FullName;

    [Fact]
    public async Task ReadAsync_Tsv_ReadsQuestionsSourcesAndSectionsSkippingHeaderAndComments()
    {
        var path = Write("q.tsv", "question\tsources\tsection\n# a comment\n\nhow do I copy?\tcp.1.txt\nwhich locale?\tch08.html | ch09.html\t8.1. The locale\r\n");
        var questions = await RetrievalQuestionReader.ReadAsync(path);
        Assert.Equal(2, questions.Count);
        Assert.Equal("how do I copy?", questions[0].Question);
        Assert.Equal(["cp.1.txt"], questions[0].Sources);
        Assert.Null(questions[0].Section);
        Assert.Equal(4, questions[0].Line);
        Assert.Equal(["ch08.html", "ch09.html"], questions[1].Sources);
        Assert.Equal("8.1. The locale", questions[1].Section);
        Assert.Equal(5, questions[1].Line);
    }

    [Fact]
    public async Task ReadAsync_JsonLines_AcceptsSourcesArrayOrSingleSource()
    {
        var path = Write("q.jsonl", "{\"question\":\"a?\",\"sources\":[\"a.md\",\"b.md\"],\"section\":\"Intro\"}\n{\"question\":\"c?\",\"source\":\"c.md\"}\n");
        var questions = await RetrievalQuestionReader.ReadAsync(path);
        Assert.Equal(["a.md", "b.md"], questions[0].Sources);
        Assert.Equal("Intro", questions[0].Section);
        Assert.Equal(["c.md"], questions[1].Sources);
        Assert.Null(questions[1].Section);
    }

    [Theory]
    [InlineData("q.tsv", "ok?\ta.md\nno source here\n", ":2: field 'line' has 1 tab-separated fields")]
    [InlineData("q.tsv", "ok?\ta.md\n\t b.md\n", ":2: field 'question' is empty")]
    [InlineData("q.tsv", "ok?\t | \n", ":1: field 'sources' names no source")]
    [InlineData("q.jsonl", "{\"question\":\"a?\",\"source\":\"a.md\"}\n{\"question\":\"b?\"}\n", ":2: field 'sources' is missing")]
    [InlineData("q.jsonl", "{\"question\":\"a?\",\"sources\":\"a.md\"}\n", ":1: field 'sources' is not an array")]
    [InlineData("q.jsonl", "{\"question\":3,\"source\":\"a.md\"}\n", ":1: field 'question' is a JSON number")]
    [InlineData("q.jsonl", "{\"question\":\"a?\",\n", ":1: field 'line' is not valid JSON")]
    [InlineData("q.jsonl", "\n# nothing\n", ": the question file has no question")]
    public async Task ReadAsync_BadInput_NamesFileLineAndField(string name, string text, string expected)
    {
        var path = Write(name, text);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => RetrievalQuestionReader.ReadAsync(path));
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_FileOverTheLimit_IsRefusedBeforeReading()
    {
        var path = Path.Combine(_folder, "huge.tsv");
        using (var stream = File.Create(path))
        {
            stream.SetLength(RetrievalQuestionReader.MaxFileBytes + 1);
        }

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => RetrievalQuestionReader.ReadAsync(path));
        Assert.Contains("the limit is", error.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_MissingFile_NamesIt()
    {
        var path = Path.Combine(_folder, "absent.tsv");
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => RetrievalQuestionReader.ReadAsync(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
