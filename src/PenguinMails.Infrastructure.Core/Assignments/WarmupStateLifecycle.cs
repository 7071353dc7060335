namespace PenguinMails.Infrastructure.Core.Assignments;

/// <summary>
/// The lifecycle of <c>domain_ip_assignments.warmup_state</c>: unwarmed → warming → warmed; warmed is terminal and
/// the state never moves backwards.
/// </summary>
public static class WarmupStateLifecycle
{
    /// <summary>The transition table.</summary>
    public static Lifecycle<WarmupState> Definition { get; } = new(
        nameof(DomainIpAssignment),
        WarmupState.Unwarmed,
        WarmupStateExtensions.Map,
        (WarmupState.Unwarmed, [WarmupState.Warming]),
        (WarmupState.Warming, [WarmupState.Warmed]),
        (WarmupState.Warmed, [])
    );

    /// <summary>
    /// Applies a warmup-state change to a snapshot, without writing anything: checks the move against
    /// <see cref="Definition"/>, sets <see cref="DomainIpAssignment.WarmupState"/> and makes
    /// <see cref="DomainIpAssignment.Updated"/> <paramref name="now"/> (in UTC).
    /// </summary>
    /// <param name="assignment">The current snapshot.</param>
    /// <param name="to">The requested warmup state.</param>
    /// <param name="now">The current time (from a <see cref="TimeProvider"/>).</param>
    /// <returns>The snapshot after the change.</returns>
    /// <exception cref="InvalidStatusTransitionException">The move is not allowed.</exception>
    public static DomainIpAssignment Apply(DomainIpAssignment assignment, WarmupState to, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        Definition.EnsureCanTransition(assignment.Id.ToString(), assignment.WarmupState, to);
        return assignment with { WarmupState = to, Updated = now.ToUniversalTime() };
    }
}
