using System.Text.Json.Serialization;

namespace PenguinMails.Infrastructure.Core.Internal;

/// <summary>
/// Source-generated System.Text.Json metadata for the JSONB columns of <c>smtp_ip_addresses</c>: snake_case member
/// names, unknown members rejected, nullability and required constructor parameters enforced, nulls not written.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(ProviderBlacklistStatus))]
internal sealed partial class SmtpIpsJsonContext : JsonSerializerContext;
