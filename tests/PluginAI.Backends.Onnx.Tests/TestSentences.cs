namespace PluginAI.Backends.Onnx.Tests;

/// <summary>Theory data over <see cref="FixedSentences"/>.</summary>
public static class TestSentences
{
    public static TheoryData<int> ComparableIndexes()
    {
        var data = new TheoryData<int>();
        foreach (var i in Enumerable.Range(0, FixedSentences.ComparableWithPackage.Length))
        {
            data.Add(i);
        }

        return data;
    }

    public static TheoryData<int> DifferentIndexes()
    {
        var data = new TheoryData<int>();
        foreach (var i in Enumerable.Range(0, FixedSentences.PackageTokenizesDifferently.Length))
        {
            data.Add(i);
        }

        return data;
    }
}
