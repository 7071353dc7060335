using System.Collections.Frozen;
using System.Text;

namespace PenguinMails.Infrastructure.Core.Lifecycles;

/// <summary>
/// A status lifecycle declared as data: the initial status and, for each status, the statuses it may move to.
/// Pure: no I/O. Repositories check it before the compare-and-set that changes a status in the database.
/// </summary>
/// <typeparam name="TStatus">The status enum.</typeparam>
public sealed class Lifecycle<TStatus>
    where TStatus : struct, Enum
{
    private readonly FrozenDictionary<TStatus, TStatus[]> _targets;
    private readonly FrozenDictionary<TStatus, string[]> _targetNames;
    private readonly DbEnumMap<TStatus> _names;

    internal Lifecycle(
        string entity,
        TStatus initial,
        DbEnumMap<TStatus> names,
        params (TStatus From, TStatus[] To)[] transitions
    )
    {
        Entity = entity;
        Initial = initial;
        _names = names;
        var map = transitions.ToDictionary(t => t.From, t => t.To);
        foreach (var status in Enum.GetValues<TStatus>())
        {
            if (!map.ContainsKey(status))
            {
                throw new InvalidOperationException($"{entity} lifecycle: no row for '{names.ToDb(status)}'.");
            }
        }

        _targets = map.ToFrozenDictionary();
        _targetNames = map.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.Select(names.ToDb).ToArray());
        States = Enum.GetValues<TStatus>();
    }

    /// <summary>The entity whose status this lifecycle governs, for example <c>VpsInstance</c>.</summary>
    public string Entity { get; }

    /// <summary>The status a new row starts in.</summary>
    public TStatus Initial { get; }

    /// <summary>Every status, in declaration order.</summary>
    public IReadOnlyList<TStatus> States { get; }

    /// <summary>The statuses <paramref name="from"/> may move to; empty when it is terminal.</summary>
    /// <param name="from">The current status.</param>
    public IReadOnlyList<TStatus> AllowedTargets(TStatus from) => _targets.TryGetValue(from, out var t) ? t : [];

    /// <summary>Whether no status may follow <paramref name="status"/>.</summary>
    /// <param name="status">The status.</param>
    public bool IsTerminal(TStatus status) => AllowedTargets(status).Count == 0;

    /// <summary>Whether a row in <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    /// <param name="from">The current status.</param>
    /// <param name="to">The requested status.</param>
    public bool CanTransition(TStatus from, TStatus to) =>
        _targets.TryGetValue(from, out var targets) && Array.IndexOf(targets, to) >= 0;

    /// <summary>Throws <see cref="InvalidStatusTransitionException"/> unless <see cref="CanTransition"/> holds.</summary>
    /// <param name="id">The key of the row, for the message.</param>
    /// <param name="from">The current status.</param>
    /// <param name="to">The requested status.</param>
    /// <exception cref="InvalidStatusTransitionException">The move is not allowed.</exception>
    public void EnsureCanTransition(string id, TStatus from, TStatus to)
    {
        if (!CanTransition(from, to))
        {
            throw new InvalidStatusTransitionException(
                Entity,
                id,
                NameOf(from),
                NameOf(to),
                _targetNames.TryGetValue(from, out var names) ? names : []
            );
        }
    }

    /// <summary>The database string of a status, for example <c>scheduled_decommission</c>.</summary>
    /// <param name="status">The status.</param>
    public string NameOf(TStatus status) => _names.IsDefined(status) ? _names.ToDb(status) : status.ToString();

    /// <summary>
    /// The lifecycle as a Mermaid <c>stateDiagram-v2</c>, states named by their database strings, the initial state
    /// marked by <c>[*] --&gt;</c> and each terminal state by <c>--&gt; [*]</c>.
    /// </summary>
    public string ToMermaid()
    {
        var sb = new StringBuilder();
        sb.Append("stateDiagram-v2\n");
        sb.Append("    [*] --> ").Append(NameOf(Initial)).Append('\n');
        foreach (var from in States)
        {
            foreach (var to in _targets[from])
            {
                sb.Append("    ").Append(NameOf(from)).Append(" --> ").Append(NameOf(to)).Append('\n');
            }
        }

        foreach (var state in States.Where(IsTerminal))
        {
            sb.Append("    ").Append(NameOf(state)).Append(" --> [*]\n");
        }

        return sb.ToString();
    }
}
