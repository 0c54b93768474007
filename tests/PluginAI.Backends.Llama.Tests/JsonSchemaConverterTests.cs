using System.Text.Json;
using Microsoft.Extensions.AI;
using PluginAI.Backends.Llama.Internal;
using PluginAI.Backends.Llama.Internal.Grammar;

namespace PluginAI.Backends.Llama.Tests;

public sealed class JsonSchemaConverterTests(StoriesModelFixture fixture) : IClassFixture<StoriesModelFixture>
{
    public static TheoryData<string> SupportedSchemas => new()
    {
        """{"type":"string"}""",
        """{"type":"integer"}""",
        """{"type":"number"}""",
        """{"type":"boolean"}""",
        """{"type":"null"}""",
        """{"type":"string","minLength":2,"maxLength":8}""",
        """{"type":"string","maxLength":0}""",
        """{"type":"string","enum":["red","green","say \"hi\"\n"]}""",
        """{"const":{"a":[1,2.5,null,true]}}""",
        """{"enum":[1,"one",null,false]}""",
        """{"type":["string","null"],"maxLength":5}""",
        """{"type":"array","items":{"type":"integer"}}""",
        """{"type":"array","items":{"type":"boolean"},"minItems":1,"maxItems":3}""",
        """{"type":"array","items":{"type":"boolean"},"minItems":2}""",
        """{"type":"array","maxItems":0}""",
        """{"type":"array"}""",
        """{"type":"object"}""",
        """{"type":"object","properties":{}}""",
        """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["a","b"],"additionalProperties":false}""",
        """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"},"c":{"type":"boolean"}},"required":["b"]}""",
        """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"},"c":{"type":"boolean"}}}""",
        """{"type":"object","properties":{"weird key-ü \"q\"":{"type":"string"}},"required":["weird key-ü \"q\""]}""",
        """{"anyOf":[{"type":"string"},{"type":"object","properties":{"x":{"type":"number"}},"required":["x"]}]}""",
        """{"oneOf":[{"type":"integer"},{"type":"null"}]}""",
        """{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"T","description":"d","type":"object","properties":{"p":{"$ref":"#/$defs/P","description":"x"}},"required":["p"],"$defs":{"P":{"type":"object","properties":{"n":{"type":"string"}},"required":["n"]}}}""",
        """{"type":"object","properties":{"p":{"$ref":"#/definitions/P"},"q":{"$ref":"#/definitions/P"}},"required":["p"],"definitions":{"P":{"type":"integer"}}}""",
        """{"$ref":"#/$defs/node","$defs":{"node":{"type":"object","properties":{"value":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["value"]}}}""",
        """true""",
        """{}""",
    };

    public static TheoryData<string, string, string> UnsupportedSchemas => new()
    {
        { """{"type":"object","properties":{"zip":{"type":"string","pattern":"^[0-9]{5}$"}}}""", "pattern", "$.properties.zip.pattern" },
        { """{"type":"integer","minimum":1}""", "minimum", "$.minimum" },
        { """{"type":"number","exclusiveMaximum":1}""", "exclusiveMaximum", "$.exclusiveMaximum" },
        { """{"type":"number","multipleOf":2}""", "multipleOf", "$.multipleOf" },
        { """{"not":{"type":"string"}}""", "not", "$.not" },
        { """{"if":{"type":"string"},"then":{"maxLength":2}}""", "if", "$.if" },
        { """{"type":"object","patternProperties":{"^a":{}}}""", "patternProperties", "$.patternProperties" },
        { """{"type":"string","format":"date-time"}""", "format", "$.format" },
        { """{"type":"array","items":{"type":"string"},"uniqueItems":true}""", "uniqueItems", "$.uniqueItems" },
        { """{"type":"object","properties":{"a":{}},"dependentRequired":{"a":["b"]}}""", "dependentRequired", "$.dependentRequired" },
        { """{"$ref":"https://example.com/schema.json"}""", "https://example.com/schema.json", "$.$ref" },
        { """{"$ref":"#/$defs/missing"}""", "does not resolve", "$.$ref" },
        { """{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}""", "additionalProperties", "$.additionalProperties" },
        { """{"type":"string","maxLength":100000}""", "maxLength above", "$.maxLength" },
        { """{"type":"array","items":[{"type":"string"}]}""", "a schema that is not an object", "$.items" },
        { """{"type":"array","items":{"anyOf":[{"type":"string"},{"minimum":3}]}}""", "minimum", "$.items.anyOf[1].minimum" },
        { """{"type":"object","properties":{"a":{}},"required":["b"]}""", "required property 'b'", "$.required" },
        { """false""", "false", "$" },
        { """{"anyOf":[{"type":"object","properties":{"a":{}}}],"required":["a"]}""", "required next to anyOf", "$.required" },
    };

    [Theory]
    [MemberData(nameof(SupportedSchemas))]
    public void Convert_SupportedSchemaGivesGrammarThatLlamaCppParses(string schema)
    {
        var gbnf = JsonSchemaConverter.ToGbnf(Parse(schema));

        AssertParses(gbnf);
    }

    [Theory]
    [MemberData(nameof(UnsupportedSchemas))]
    public void Convert_UnsupportedConstructIsRefusedByNameAndPath(string schema, string construct, string path)
    {
        var error = Assert.Throws<PluginException>(() => JsonSchemaConverter.ToGbnf(Parse(schema)));

        Assert.Equal("request.unsupported-response-format", error.ErrorCode);
        Assert.Contains(construct, error.Message, StringComparison.Ordinal);
        Assert.Contains($" at {path},", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_ReportsAGrammarLlamaCppCannotParse()
    {
        var model = (LlamaModel)fixture.Model;

        Assert.False(GbnfValidator.TryParse(model.Weights.NativeHandle, "root ::= undefined-rule \"x", "root"));
        Assert.True(GbnfValidator.TryParse(model.Weights.NativeHandle, "root ::= \"x\"", "root"));
    }

    [Fact]
    public void AnyObjectGrammar_Parses()
    {
        AssertParses(JsonSchemaConverter.AnyObjectGbnf());
    }

    [Fact]
    public void Convert_RequiredPropertiesComeInSchemaOrderAndOptionalOnesAreOptional()
    {
        var gbnf = JsonSchemaConverter.ToGbnf(Parse("""{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer"},"c":{"type":"boolean"}},"required":["a","b"]}"""));

        var objectRule = gbnf.Split('\n').Single(l => l.StartsWith("schema ::=", StringComparison.Ordinal));
        Assert.True(objectRule.IndexOf("\\\"b\\\"", StringComparison.Ordinal) < objectRule.IndexOf("\\\"a\\\"", StringComparison.Ordinal), objectRule);
        Assert.Matches("""\(ws "," ws "\\"c\\"" .*\)\?""", objectRule);
    }

    [Fact]
    public void Convert_WhitespaceIsBounded()
    {
        var gbnf = JsonSchemaConverter.ToGbnf(Parse("""{"type":"object","properties":{"a":{"type":"string"}}}"""));

        Assert.Contains("ws ::= | \" \" | \"\\n\" [ \\t]{0,8}", gbnf, StringComparison.Ordinal);
    }

    [Fact]
    public void From_ToolGrammarsParseForEveryToolMode()
    {
        var tools = Tools();
        foreach (var mode in new ChatToolMode[] { ChatToolMode.Auto, ChatToolMode.RequireAny, ChatToolMode.RequireSpecific("get_weather") })
        {
            var constraint = OutputConstraint.From(new ChatOptions { Tools = tools, ToolMode = mode })!;
            AssertParses(constraint.Gbnf);
            Assert.Contains("get_weather", constraint.ToolInstructions, StringComparison.Ordinal);
        }

        var withFormat = OutputConstraint.From(new ChatOptions { Tools = tools, ResponseFormat = ChatResponseFormat.ForJsonSchema(Parse("""{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]}""")) })!;
        AssertParses(withFormat.Gbnf);
        Assert.DoesNotContain("text ::=", withFormat.Gbnf, StringComparison.Ordinal);
    }

    [Fact]
    public void From_NothingConstrainedGivesNull()
    {
        Assert.Null(OutputConstraint.From(null));
        Assert.Null(OutputConstraint.From(new ChatOptions()));
        Assert.Null(OutputConstraint.From(new ChatOptions { ResponseFormat = ChatResponseFormat.Text }));
        Assert.Null(OutputConstraint.From(new ChatOptions { Tools = Tools(), ToolMode = ChatToolMode.None }));
    }

    [Fact]
    public void From_RequiredToolThatIsNotOfferedIsRefused()
    {
        var error = Assert.Throws<PluginException>(() => OutputConstraint.From(new ChatOptions { Tools = Tools(), ToolMode = ChatToolMode.RequireSpecific("nope") }));

        Assert.Equal("request.invalid-tools", error.ErrorCode);
        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_UnsupportedToolSchemaIsRefusedWithToolErrorCode()
    {
        var tool = AIFunctionFactory.CreateDeclaration("lookup", "Looks up.", Parse("""{"type":"object","properties":{"zip":{"type":"string","pattern":"^[0-9]+$"}}}"""));

        var error = Assert.Throws<PluginException>(() => OutputConstraint.From(new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.RequireAny }));

        Assert.Equal("request.unsupported-tool-schema", error.ErrorCode);
        Assert.Contains("'lookup'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'pattern' at $.properties.zip.pattern", error.Message, StringComparison.Ordinal);
    }

    internal static List<AITool> Tools() =>
    [
        AIFunctionFactory.CreateDeclaration("get_weather", "Weather in a city.", Parse("""{"type":"object","properties":{"city":{"type":"string","maxLength":12},"days":{"type":"integer"}},"required":["city","days"]}""")),
        AIFunctionFactory.CreateDeclaration("set_alarm", "Sets an alarm.", Parse("""{"type":"object","properties":{"loud":{"type":"boolean"}},"required":["loud"]}""")),
    ];

    internal static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private void AssertParses(string gbnf)
    {
        var model = (LlamaModel)fixture.Model;
        Assert.True(GbnfValidator.IsAvailable, "the llama library was not found among the process's modules");
        Assert.True(GbnfValidator.TryParse(model.Weights.NativeHandle, gbnf, "root"), $"llama.cpp rejected the grammar:\n{gbnf}\n{string.Join('\n', fixture.Logger.Entries.TakeLast(5))}");
    }
}
