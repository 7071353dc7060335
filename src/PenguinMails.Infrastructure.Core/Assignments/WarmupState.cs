namespace PenguinMails.Infrastructure.Core.Assignments;

/// <summary>
/// The <c>domain_ip_assignments.warmup_state</c> values: the domain's own warmup progress on the IP, separate from the
/// IP's overall reputation. See <see cref="WarmupStateLifecycle"/> for the allowed moves.
/// </summary>
public enum WarmupState
{
    /// <summary><c>unwarmed</c>: no warmup yet; the initial state, and how a NULL column is read.</summary>
    Unwarmed = 1,

    /// <summary><c>warming</c>: warmup in progress.</summary>
    Warming = 2,

    /// <summary><c>warmed</c>: warmup complete (terminal).</summary>
    Warmed = 3,
}
