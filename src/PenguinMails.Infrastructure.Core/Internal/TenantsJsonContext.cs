using System.Text.Json.Serialization;

namespace PenguinMails.Infrastructure.Core.Internal;

/// <summary>
/// Source-generated System.Text.Json metadata for the JSONB values of the tenant tables: snake_case property names,
/// nulls left out, unknown properties rejected (so a read-modify-write cannot silently drop data).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true
)]
[JsonSerializable(typeof(BillingAddress))]
internal sealed partial class TenantsJsonContext : JsonSerializerContext;
