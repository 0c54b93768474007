namespace PluginAI.Conformance;

/// <summary>
/// Marks a public, parameterless method of a conformance checks class as one check. Runners find the checks by this
/// attribute and run them in the order the class declares them, each on a fresh instance.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true, AllowMultiple = false)]
public sealed class ConformanceCheckAttribute : Attribute
{
}
