namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>Where a warmup stands at one instant (see <see cref="WarmupPlan.Evaluate(DateTimeOffset, DateTimeOffset)"/>).</summary>
/// <param name="PlanName">The plan evaluated.</param>
/// <param name="WarmupStart">When the warmup started.</param>
/// <param name="DayNumber">The day of the plan (1-based); 0 before the start; the plan's days + 1 once complete.</param>
/// <param name="DailyCap">Today's cap; 0 before the start; null once the plan is complete (no warmup cap any more).</param>
/// <param name="Fraction">The elapsed part of the plan's duration, 0..1.</param>
/// <param name="IsComplete">Whether every day of the plan has passed.</param>
public sealed record WarmupProgress(string PlanName, DateTimeOffset WarmupStart, int DayNumber, int? DailyCap, double Fraction, bool IsComplete);
