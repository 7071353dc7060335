namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// A warmup plan as data: for each day of the warmup (day 1, 2, ...), the most messages the domain may send through
/// the IP that day. Immutable and validated on creation: at least one day, the days contiguous from 1, every cap
/// positive and no cap smaller than the day before. Pure: no I/O, no clock.
/// </summary>
/// <remarks>
/// <see cref="Default"/> is modelled on published warmup schedules (see <c>docs/ip-pools.md</c>): 50 messages on
/// day 1, then about ×1.4 a day for 30 days.
/// </remarks>
public sealed class WarmupPlan
{
    /// <summary>The entity name used in validation errors.</summary>
    public const string EntityName = nameof(WarmupPlan);

    /// <summary>The name of <see cref="Default"/>: <c>default</c>.</summary>
    public const string DefaultName = "default";

    /// <summary>The maximum length of a plan name, in characters.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The maximum number of days in a plan (one year).</summary>
    public const int MaxDays = 366;

    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private readonly int[] _caps;

    private WarmupPlan(string name, int[] caps)
    {
        Name = name;
        _caps = caps;
    }

    /// <summary>
    /// The default plan: day 1 sends at most 50 messages, each following day at most 1.4 times the day before (rounded
    /// up to a whole message), for 30 days, ending at 878,173 a day.
    /// </summary>
    public static WarmupPlan Default { get; } = Geometric(DefaultName, 50, 140, 30);

    /// <summary>The plan's name, for example <c>default</c>; compared without regard to case by <see cref="WarmupPlanCatalog"/>.</summary>
    public string Name { get; }

    /// <summary>The daily caps: element 0 is day 1.</summary>
    public IReadOnlyList<int> DailyCaps => _caps;

    /// <summary>The number of days the plan lasts; the warmup is complete once this many whole days have passed.</summary>
    public int Days => _caps.Length;

    /// <summary>The total duration of the plan (<see cref="Days"/> days).</summary>
    public TimeSpan Duration => Day * _caps.Length;

    /// <summary>The cap of day <paramref name="day"/> (1-based).</summary>
    /// <param name="day">The day, 1..<see cref="Days"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The day is outside the plan.</exception>
    public int CapForDay(int day)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(day, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(day, _caps.Length);
        return _caps[day - 1];
    }

    /// <summary>Creates a plan from its daily caps in order (element 0 is day 1), after validating them.</summary>
    /// <param name="name">The plan's name (1..100 characters, one line).</param>
    /// <param name="dailyCaps">The caps of day 1, 2, ...: positive and non-decreasing, 1..366 of them.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="EntityValidationException">
    /// Every broken rule at once: <c>name</c> (required, max_length, single_line), <c>daily_caps</c> (required,
    /// max_days), <c>daily_caps[day N]</c> (positive, non_decreasing).
    /// </exception>
    public static WarmupPlan Create(string name, IEnumerable<int> dailyCaps)
    {
        ArgumentNullException.ThrowIfNull(dailyCaps);
        var caps = dailyCaps.ToArray();
        var errors = Validate(name, caps);
        return errors.Count == 0 ? new WarmupPlan(name, caps) : throw new EntityValidationException(EntityName, errors);
    }

    /// <summary>
    /// Creates a plan from a day → cap map (as bound from configuration), after validating that the days are exactly
    /// 1..N and the caps as <see cref="Create(string, IEnumerable{int})"/> requires.
    /// </summary>
    /// <param name="name">The plan's name.</param>
    /// <param name="capsByDay">Day number (from 1) → cap.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="EntityValidationException">
    /// Every broken rule at once; a missing or extra day is <c>daily_caps</c> rule <c>contiguous_days</c>.
    /// </exception>
    public static WarmupPlan FromDays(string name, IReadOnlyDictionary<int, int> capsByDay)
    {
        ArgumentNullException.ThrowIfNull(capsByDay);
        var errors = new List<FieldError>();
        var days = capsByDay.Keys.Order().ToArray();
        for (var i = 0; i < days.Length; i++)
        {
            if (days[i] != i + 1)
            {
                errors.Add(new FieldError(
                    "daily_caps",
                    "contiguous_days",
                    $"daily_caps must give every day from 1 to {days.Length} exactly once; day {i + 1} is missing or day {days[i]} is out of order."));
                break;
            }
        }

        var caps = days.Select(d => capsByDay[d]).ToArray();
        errors.AddRange(Validate(name, caps));
        return errors.Count == 0 ? new WarmupPlan(name, caps) : throw new EntityValidationException(EntityName, errors);
    }

    /// <summary>
    /// Creates a plan that grows by a fixed factor: day 1 is <paramref name="firstDayCap"/>, each next day the previous
    /// cap × <paramref name="growthPercent"/> / 100, rounded up to a whole message (integer arithmetic, so the caps are
    /// the same on every platform).
    /// </summary>
    /// <param name="name">The plan's name.</param>
    /// <param name="firstDayCap">The cap of day 1, positive.</param>
    /// <param name="growthPercent">The daily growth in percent, 100..1000 (140 is ×1.4).</param>
    /// <param name="days">The number of days, 1..366.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range, or a cap would exceed <see cref="int.MaxValue"/>.</exception>
    public static WarmupPlan Geometric(string name, int firstDayCap, int growthPercent, int days)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstDayCap, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(growthPercent, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(growthPercent, 1000);
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, MaxDays);
        var caps = new int[days];
        long cap = firstDayCap;
        for (var i = 0; i < days; i++)
        {
            if (cap > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(days), days, $"The cap of day {i + 1} would exceed {int.MaxValue}.");
            }

            caps[i] = (int)cap;
            cap = ((cap * growthPercent) + 99) / 100;
        }

        return Create(name, caps);
    }

    /// <summary>
    /// Where a warmup that started at <paramref name="warmupStart"/> stands at <paramref name="now"/>: the day number
    /// (1 during the first 24 hours, 0 before the start), that day's cap, and the fraction of the plan's duration
    /// elapsed. Days are whole 24-hour periods from the start (not calendar days), so the answer does not depend on a
    /// time zone.
    /// </summary>
    /// <param name="warmupStart">When the warmup started.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The progress.</returns>
    public WarmupProgress Evaluate(DateTimeOffset warmupStart, DateTimeOffset now)
    {
        var elapsed = now - warmupStart;
        if (elapsed < TimeSpan.Zero)
        {
            return new WarmupProgress(Name, warmupStart, 0, 0, 0d, false);
        }

        var day = (elapsed.Ticks / Day.Ticks) + 1;
        if (day > _caps.Length)
        {
            return new WarmupProgress(Name, warmupStart, _caps.Length + 1, null, 1d, true);
        }

        var fraction = (double)elapsed.Ticks / Duration.Ticks;
        return new WarmupProgress(Name, warmupStart, (int)day, _caps[day - 1], fraction, false);
    }

    /// <summary>
    /// Where the warmup of <paramref name="assignment"/> stands at <paramref name="now"/>. The warmup start is
    /// <see cref="DomainIpAssignment.Assigned"/> (the table has no separate warmup-start column). An assignment whose
    /// <see cref="DomainIpAssignment.WarmupState"/> is already <c>warmed</c> is complete whatever the dates say.
    /// </summary>
    /// <param name="assignment">The assignment.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The progress.</returns>
    public WarmupProgress Evaluate(DomainIpAssignment assignment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        return assignment.WarmupState == WarmupState.Warmed
            ? new WarmupProgress(Name, assignment.Assigned, _caps.Length + 1, null, 1d, true)
            : Evaluate(assignment.Assigned, now);
    }

    private static List<FieldError> Validate(string? name, int[] caps)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add(new FieldError("name", "required", "name is required."));
        }
        else if (name.Length > MaxNameLength)
        {
            errors.Add(new FieldError("name", "max_length", $"name must be at most {MaxNameLength} characters."));
        }
        else if (name.AsSpan().ContainsAny('\r', '\n'))
        {
            errors.Add(new FieldError("name", "single_line", "name must be one line."));
        }

        if (caps.Length == 0)
        {
            errors.Add(new FieldError("daily_caps", "required", "daily_caps must hold at least day 1."));
        }
        else if (caps.Length > MaxDays)
        {
            errors.Add(new FieldError("daily_caps", "max_days", $"daily_caps must hold at most {MaxDays} days."));
        }

        for (var i = 0; i < caps.Length; i++)
        {
            var field = $"daily_caps[day {i + 1}]";
            if (caps[i] <= 0)
            {
                errors.Add(new FieldError(field, "positive", $"{field} must be positive."));
            }
            else if (i > 0 && caps[i] < caps[i - 1])
            {
                errors.Add(new FieldError(field, "non_decreasing", $"{field} ({caps[i]}) must not be below day {i} ({caps[i - 1]})."));
            }
        }

        return errors;
    }
}
