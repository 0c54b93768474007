using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using PluginAI.Backends.Llama.Internal.Grammar;

namespace PluginAI.Backends.Llama.Tests;

public sealed class OutputInterpreterTests
{
    [Fact]
    public void Text_PassesThroughAsItComes()
    {
        var interpreter = new OutputInterpreter(toolCalls: true);

        Assert.Equal("Hel", Texts(interpreter.Append("Hel")));
        Assert.Equal("lo <b>", Texts(interpreter.Append("lo <b>")));
        var end = interpreter.Complete(ChatFinishReason.Stop);

        Assert.Empty(end.Contents);
        Assert.Equal(ChatFinishReason.Stop, end.FinishReason);
    }

    [Fact]
    public void Text_ThatStartsLikeACallIsHeldOnlyUntilItDiffers()
    {
        var interpreter = new OutputInterpreter(toolCalls: true);

        Assert.Empty(interpreter.Append("<to"));
        Assert.Equal("<tox", Texts(interpreter.Append("x")));
    }

    [Fact]
    public void WithoutTools_CallSyntaxIsJustText()
    {
        var interpreter = new OutputInterpreter(toolCalls: false);

        Assert.Equal("<tool_call>{}", Texts(interpreter.Append("<tool_call>{}")));
        Assert.Equal(ChatFinishReason.Length, interpreter.Complete(ChatFinishReason.Length).FinishReason);
    }

    [Fact]
    public void Call_SplitAcrossManyPiecesIsHeldBackAndReturnedAtTheEnd()
    {
        const string Output = """<tool_call>{"name": "get_weather", "arguments": {"city": "Paris \"Nord\"", "days": 3, "tags": [true, null], "geo": {"lat": 48.8}}}</tool_call>""";
        var interpreter = new OutputInterpreter(toolCalls: true);

        foreach (var piece in Pieces(Output, 3))
        {
            Assert.Empty(interpreter.Append(piece));
        }

        var end = interpreter.Complete(ChatFinishReason.Stop);

        Assert.Equal(ChatFinishReason.ToolCalls, end.FinishReason);
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(end.Contents));
        Assert.Equal("get_weather", call.Name);
        Assert.Matches("^call_[0-9a-f]{24}$", call.CallId);
        Assert.Equal("Paris \"Nord\"", ((JsonElement)call.Arguments!["city"]!).GetString());
        Assert.Equal(3, ((JsonElement)call.Arguments["days"]!).GetInt32());
        Assert.Equal(JsonValueKind.Array, ((JsonElement)call.Arguments["tags"]!).ValueKind);
        Assert.Equal(48.8, ((JsonElement)call.Arguments["geo"]!).GetProperty("lat").GetDouble());
    }

    [Fact]
    public void Call_CutOffByLengthIsReturnedAsTextWithFinishLength()
    {
        const string Output = """<tool_call>{"name": "get_weather", "arguments": {"city": "Par""";
        var interpreter = new OutputInterpreter(toolCalls: true);
        foreach (var piece in Pieces(Output, 4))
        {
            Assert.Empty(interpreter.Append(piece));
        }

        var end = interpreter.Complete(ChatFinishReason.Length);

        Assert.Equal(ChatFinishReason.Length, end.FinishReason);
        Assert.Equal(Output, Assert.IsType<TextContent>(Assert.Single(end.Contents)).Text);
    }

    [Fact]
    public void Call_WithoutArgumentsHasEmptyArguments()
    {
        var interpreter = new OutputInterpreter(toolCalls: true);
        interpreter.Append("""<tool_call>{"name":"ping"}</tool_call>""");

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(interpreter.Complete(ChatFinishReason.Stop).Contents));

        Assert.Equal("ping", call.Name);
        Assert.Empty(call.Arguments!);
    }

    [Fact]
    public void Call_ThatIsNotValidJsonIsText()
    {
        var interpreter = new OutputInterpreter(toolCalls: true);

        var text = Texts(interpreter.Append("""<tool_call>{"name": oops}</tool_call> rest"""));
        var end = interpreter.Complete(ChatFinishReason.Stop);

        Assert.Equal("""<tool_call>{"name": oops}</tool_call> rest""", text);
        Assert.Empty(end.Contents);
        Assert.Equal(ChatFinishReason.Stop, end.FinishReason);
    }

    [Fact]
    public void Calls_TwoInARowAreBothReturned()
    {
        var interpreter = new OutputInterpreter(toolCalls: true);
        interpreter.Append("""<tool_call>{"name":"a","arguments":{}}</tool_call>""");
        interpreter.Append("\n<tool_call>{\"name\":\"b\",\"arguments\":{\"x\":1}}</tool_call>\n");

        var end = interpreter.Complete(ChatFinishReason.Stop);

        Assert.Equal(["a", "b"], end.Contents.Cast<FunctionCallContent>().Select(c => c.Name));
        Assert.Equal(ChatFinishReason.ToolCalls, end.FinishReason);
    }

    internal static IEnumerable<string> Pieces(string text, int size)
    {
        for (var i = 0; i < text.Length; i += size)
        {
            yield return text.Substring(i, Math.Min(size, text.Length - i));
        }
    }

    private static string Texts(IEnumerable<AIContent> contents) =>
        contents.Aggregate(new StringBuilder(), (b, c) => b.Append(Assert.IsType<TextContent>(c).Text)).ToString();
}
