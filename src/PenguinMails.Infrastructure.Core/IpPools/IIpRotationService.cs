namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>Expires due domain-IP assignments. See <see cref="IpRotationService"/>.</summary>
public interface IIpRotationService
{
    /// <summary>
    /// Expires up to <see cref="IpRotationOptions.BatchSize"/> assignments whose <c>expires</c> has passed (at or before
    /// now, from the <see cref="TimeProvider"/>), one transaction each; idempotent: running it again finds nothing
    /// more to do for the same time.
    /// </summary>
    /// <param name="cancellationToken">Cancels the batch; moves already committed stay.</param>
    /// <returns>What was done.</returns>
    Task<IpRotationResult> RotateAsync(CancellationToken cancellationToken = default);
}
