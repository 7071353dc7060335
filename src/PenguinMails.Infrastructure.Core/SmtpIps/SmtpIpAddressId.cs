namespace PenguinMails.Infrastructure.Core.SmtpIps;

/// <summary>The id of a <c>smtp_ip_addresses</c> row.</summary>
/// <param name="Value">The UUID.</param>
public readonly record struct SmtpIpAddressId(Guid Value)
{
    /// <summary>A new, time-ordered (version 7) id.</summary>
    public static SmtpIpAddressId New() => new(Guid.CreateVersion7());

    /// <summary>The id as a lowercase 36-character string with hyphens.</summary>
    public override string ToString() => Value.ToString("D");
}
