using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace PluginAI.Sdk.Tasks;

/// <summary>Reads the type definitions of an assembly from its metadata, without loading it.</summary>
internal static class AssemblyTypes
{
    /// <summary>Returns the attributes of every type defined in an assembly, by full name (nested types as <c>Outer+Inner</c>).</summary>
    /// <param name="path">The assembly file.</param>
    /// <returns>The types.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly.</exception>
    public static Dictionary<string, TypeAttributes> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            throw new BadImageFormatException("the file has no .NET metadata");
        }

        var reader = pe.GetMetadataReader();
        var types = new Dictionary<string, TypeAttributes>(StringComparer.Ordinal);
        foreach (var handle in reader.TypeDefinitions)
        {
            var definition = reader.GetTypeDefinition(handle);
            types[FullName(reader, definition)] = definition.Attributes;
        }

        return types;
    }

    private static string FullName(MetadataReader reader, TypeDefinition definition)
    {
        var name = reader.GetString(definition.Name);
        var declaring = definition.GetDeclaringType();
        if (!declaring.IsNil)
        {
            return FullName(reader, reader.GetTypeDefinition(declaring)) + "+" + name;
        }

        var ns = reader.GetString(definition.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }
}
