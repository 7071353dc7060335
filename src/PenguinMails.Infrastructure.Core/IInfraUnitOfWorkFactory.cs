namespace PenguinMails.Infrastructure.Core;

/// <summary>Starts units of work.</summary>
public interface IInfraUnitOfWorkFactory
{
    /// <summary>Begins a unit of work (a read-committed transaction).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<IInfraUnitOfWork> BeginAsync(CancellationToken cancellationToken = default);
}
