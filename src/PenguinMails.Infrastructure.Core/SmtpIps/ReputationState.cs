namespace PenguinMails.Infrastructure.Core.SmtpIps;

/// <summary>The <c>smtp_ip_addresses.reputation_state</c> values: the last assessed sending reputation of an IP.</summary>
public enum ReputationState
{
    /// <summary><c>good</c>.</summary>
    Good = 1,

    /// <summary><c>fair</c>.</summary>
    Fair = 2,

    /// <summary><c>poor</c>.</summary>
    Poor = 3,

    /// <summary><c>critical</c>.</summary>
    Critical = 4,
}
