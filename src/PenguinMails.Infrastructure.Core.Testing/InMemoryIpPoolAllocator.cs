using Microsoft.Extensions.Logging;

namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// The in-memory <see cref="IIpPoolAllocator"/>, with the PostgreSQL allocator's policy, writes and locks: an
/// allocation takes its domain's lock (PostgreSQL's advisory lock) and locks the IP it picks, skipping IPs other units
/// of work hold (<c>FOR UPDATE SKIP LOCKED</c>), both until its unit ends. So allocations for one domain run one after
/// another, allocations for different domains run at once on different IPs, and
/// <see cref="IpPoolExhaustedException.LockedCount"/> counts the eligible IPs that concurrent units held, as on PostgreSQL.
/// </summary>
public sealed class InMemoryIpPoolAllocator : IIpPoolAllocator, IIpRotationStoreSource
{
    private readonly IpAllocationEngine _engine;
    private readonly InMemoryRotationStore _rotation;

    /// <summary>Initializes an allocator over <paramref name="store"/>.</summary>
    /// <param name="store">The shared in-memory store.</param>
    /// <param name="options">The allocation policy; the defaults when null.</param>
    /// <param name="logger">The logger (event ids 7000–7049), or null.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options break a rule (every failure listed).</exception>
    public InMemoryIpPoolAllocator(InMemoryInfraStore store, IpAllocationOptions? options = null, ILogger<InMemoryIpPoolAllocator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _engine = new IpAllocationEngine(new Store(store), options ?? new IpAllocationOptions(), store.TimeProvider, logger);
        _rotation = new InMemoryRotationStore(this, store);
    }

    IIpRotationStore IIpRotationStoreSource.RotationStore => _rotation;

    /// <inheritdoc />
    public IInfraUnitOfWorkFactory UnitOfWork => _engine.UnitOfWork;

    /// <inheritdoc />
    public async Task<IpAllocation> AllocateAsync(IpAllocationRequest request, CancellationToken cancellationToken = default) =>
        await _engine.AllocateAsync(request, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IpAllocation> AllocateAsync(IInfraUnitOfWork unitOfWork, IpAllocationRequest request, CancellationToken cancellationToken = default) =>
        await _engine.AllocateInAsync(unitOfWork, request, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task LockDomainAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, CancellationToken cancellationToken = default) =>
        await _engine.LockDomainAsync(unitOfWork, domainId, cancellationToken).ConfigureAwait(false);

    private sealed class Store(InMemoryInfraStore store) : IIpAllocationStore
    {
        public IInfraUnitOfWorkFactory UnitOfWork { get; } = new InMemoryInfraUnitOfWorkFactory(store);

        public async Task LockDomainAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, CancellationToken cancellationToken)
        {
            // PostgreSQL's per-domain advisory lock: the domain's allocations run one after another, other domains' go on.
            var session = UnitOf(unitOfWork, store).Session;
            session.Enter(cancellationToken);
            await session.LockAsync([new LockNeed(LockResource.Domain(domainId), LockMode.Update)], cancellationToken).ConfigureAwait(false);
        }

        public async Task<(List<IpPoolRow> Rows, List<DomainHolding> Holdings)> LoadAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, CancellationToken cancellationToken)
        {
            Check(unitOfWork);
            var vpsCache = new Dictionary<VpsInstanceId, VpsInstance?>();
            var rows = await IpAllocationReads.LoadRowsAsync(unitOfWork, vpsCache, cancellationToken).ConfigureAwait(false);
            var holdings = await IpAllocationReads.LoadHoldingsAsync(unitOfWork, domainId, vpsCache, cancellationToken).ConfigureAwait(false);
            return (rows, holdings);
        }

        public async Task<IpAllocation?> TakeAsync(IInfraUnitOfWork unitOfWork, IpAllocationRequest request, IpAllocationOptions options, DateTimeOffset? expires, CancellationToken cancellationToken) =>
            await PickAsync(unitOfWork, request, options, cancellationToken).ConfigureAwait(false) is { } ip
                ? await IpAllocationEngine.WriteThroughRepositoriesAsync(unitOfWork, request.DomainId, ip, expires, cancellationToken).ConfigureAwait(false)
                : null;

        private Task<SmtpIpAddress?> PickAsync(IInfraUnitOfWork unitOfWork, IpAllocationRequest request, IpAllocationOptions options, CancellationToken cancellationToken)
        {
            return InMemoryAllocationIndex.PickAsync(UnitOf(unitOfWork, store), request, options, cancellationToken);
        }

        private void Check(IInfraUnitOfWork unitOfWork) => UnitOf(unitOfWork, store);
    }

    /// <summary><paramref name="unitOfWork"/> as a unit of <paramref name="store"/>; else an <see cref="ArgumentException"/>.</summary>
    internal static InMemoryInfraUnitOfWork UnitOf(IInfraUnitOfWork unitOfWork, InMemoryInfraStore store)
    {
        ArgumentNullException.ThrowIfNull(unitOfWork);
        return unitOfWork is InMemoryInfraUnitOfWork unit && ReferenceEquals(unit.Store, store)
            ? unit
            : throw new ArgumentException("The unit of work must come from this allocator's in-memory store (its UnitOfWork factory).", nameof(unitOfWork));
    }
}
