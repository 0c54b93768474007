using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>
/// The source-generated serialization of every JSON answer. Property names are camel case as NuGet v3 spells them; JSON-LD
/// names (<c>@id</c>, <c>@type</c>) are set on the properties. Output is compact with the default encoder, as clients
/// (NuGet.Protocol, <c>dotnet nuget</c>) have always received it.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ServiceIndex))]
[JsonSerializable(typeof(FlatContainerIndex))]
[JsonSerializable(typeof(RegistrationIndex))]
[JsonSerializable(typeof(RegistrationLeaf))]
[JsonSerializable(typeof(NuGetSearchResponse))]
[JsonSerializable(typeof(PluginSearchResults))]
[JsonSerializable(typeof(SignedIndexPayload))]
[JsonSerializable(typeof(CertificationList))]
[JsonSerializable(typeof(ContributorLedger))]
internal sealed partial class RegistryResponseJsonContext : JsonSerializerContext;
