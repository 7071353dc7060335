using System.Reflection;
using PenguinMails.Infrastructure.Core.Staff;

namespace PenguinMails.Infrastructure.Core.Tests.Api;

/// <summary>
/// Every repository interface has the same verbs with the same parameter shapes, and the unit of work offers each one
/// under the name of its repository: <c>GetAsync(key)</c> → the entity or null, <c>ListAsync([filter,] PageRequest? page)</c>
/// → a page, <c>CountAsync([filter])</c> with the same filter → <c>long</c>, <c>AddAsync(entity)</c> and
/// <c>UpdateAsync(entity)</c> → the stored entity, <c>DeleteAsync(key)</c> → whether a row went; every method asynchronous,
/// a <c>CancellationToken cancellationToken = default</c> last, a filter a <c>*Filter</c> record.
/// </summary>
public sealed class RepositoryShapeTests
{
    /// <summary>
    /// The tables without an <c>updated</c> column (<c>staff_roles</c>, <c>permissions</c>) have no concurrency token: their
    /// update takes the snapshot the caller read, and changes the row only while it still holds those values.
    /// </summary>
    private static readonly HashSet<Type> UpdateBySnapshot = [typeof(IStaffRoleRepository), typeof(IPermissionRepository)];

    public static TheoryData<Type> Repositories() =>
        new(RepositoryTypes());

    private static IEnumerable<Type> RepositoryTypes() =>
        typeof(IInfraUnitOfWork).Assembly.GetExportedTypes().Where(t => t.IsInterface && t.Name.StartsWith('I') && t.Name.EndsWith("Repository", StringComparison.Ordinal));

    private static Type EntityOf(Type repository) =>
        repository.GetMethod("AddAsync")!.GetParameters()[0].ParameterType;

    private static MethodInfo Single(Type repository, string name)
    {
        var methods = repository.GetMethods().Where(m => m.Name == name).ToArray();
        Assert.True(methods.Length == 1, $"{repository.Name} must have exactly one {name}, has {methods.Length}");
        return methods[0];
    }

    [Fact]
    public void Repositories_AreAllFound()
    {
        Assert.Equal(11, Repositories().Count);
    }

    [Theory]
    [MemberData(nameof(Repositories))]
    public void EveryMethod_IsAsyncWithACancellationTokenLast(Type repository)
    {
        foreach (var method in repository.GetMethods())
        {
            Assert.EndsWith("Async", method.Name, StringComparison.Ordinal);
            Assert.True(typeof(Task).IsAssignableFrom(method.ReturnType), $"{repository.Name}.{method.Name} returns {method.ReturnType}");
            var last = method.GetParameters()[^1];
            Assert.Equal(typeof(CancellationToken), last.ParameterType);
            Assert.Equal("cancellationToken", last.Name);
            Assert.True(last.HasDefaultValue, $"{repository.Name}.{method.Name}: the token must be optional");
        }
    }

    [Theory]
    [MemberData(nameof(Repositories))]
    public void TheVerbs_HaveTheSameShapeOnEveryRepository(Type repository)
    {
        var entity = EntityOf(repository);
        var nullableEntity = typeof(Task<>).MakeGenericType(entity);

        var get = Single(repository, "GetAsync");
        Assert.Equal(nullableEntity, get.ReturnType);
        Assert.Equal(2, get.GetParameters().Length);
        var key = get.GetParameters()[0].ParameterType;

        var add = Single(repository, "AddAsync");
        Assert.Equal(nullableEntity, add.ReturnType);
        Assert.Equal([entity, typeof(CancellationToken)], add.GetParameters().Select(p => p.ParameterType));

        var update = Single(repository, "UpdateAsync");
        Assert.Equal(nullableEntity, update.ReturnType);
        Assert.Equal(
            UpdateBySnapshot.Contains(repository) ? [entity, entity, typeof(CancellationToken)] : new[] { entity, typeof(CancellationToken) },
            update.GetParameters().Select(p => p.ParameterType));

        var delete = Single(repository, "DeleteAsync");
        Assert.Equal(typeof(Task<bool>), delete.ReturnType);
        Assert.Equal([key, typeof(CancellationToken)], delete.GetParameters().Select(p => p.ParameterType));

        var list = Single(repository, "ListAsync");
        Assert.Equal(typeof(Task<>).MakeGenericType(typeof(Page<>).MakeGenericType(entity)), list.ReturnType);
        var listParameters = list.GetParameters();
        Assert.Equal(typeof(PageRequest), listParameters[^2].ParameterType);
        Assert.Equal("page", listParameters[^2].Name);
        Assert.True(listParameters[^2].HasDefaultValue);
        var filters = listParameters[..^2];
        Assert.True(filters.Length <= 1, $"{repository.Name}.ListAsync takes at most one filter");
        foreach (var filter in filters)
        {
            Assert.EndsWith("Filter", filter.ParameterType.Name, StringComparison.Ordinal);
            Assert.Equal("filter", filter.Name);
            Assert.True(filter.HasDefaultValue, $"{repository.Name}.ListAsync: the filter must be optional");
            Assert.True(filter.ParameterType.IsSealed && filter.ParameterType.GetMethod("<Clone>$") is not null, $"{filter.ParameterType.Name} must be a sealed record");
        }

        var count = Single(repository, "CountAsync");
        Assert.Equal(typeof(Task<long>), count.ReturnType);
        Assert.Equal(
            filters.Select(p => p.ParameterType).Append(typeof(CancellationToken)),
            count.GetParameters().Select(p => p.ParameterType));
    }

    [Theory]
    [MemberData(nameof(Repositories))]
    public void GetByMethods_NameTheirKeyAndReturnTheEntityOrNull(Type repository)
    {
        var entity = EntityOf(repository);
        foreach (var method in repository.GetMethods().Where(m => m.Name.StartsWith("GetBy", StringComparison.Ordinal)))
        {
            Assert.Equal(typeof(Task<>).MakeGenericType(entity), method.ReturnType);
            var keys = method.GetParameters()[..^1];
            Assert.NotEmpty(keys);
            // GetByUserIdAsync(userId), GetByKeyAsync(key), GetByAddressAsync(vpsInstanceId, ipAddress): the name says the key.
            Assert.Contains(
                keys,
                k => method.Name.Contains(char.ToUpperInvariant(k.Name![0]) + k.Name[1..], StringComparison.Ordinal)
                    || method.Name["GetBy".Length..^"Async".Length].StartsWith(char.ToUpperInvariant(k.Name![0]) + k.Name[1..], StringComparison.Ordinal)
                    || k.Name!.EndsWith(method.Name["GetBy".Length..^"Async".Length], StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void UnitOfWork_OffersEveryRepositoryUnderItsName()
    {
        var properties = typeof(IInfraUnitOfWork).GetProperties().Where(p => p.PropertyType.Name.EndsWith("Repository", StringComparison.Ordinal)).ToArray();

        Assert.Equal(RepositoryTypes().OrderBy(t => t.Name), properties.Select(p => p.PropertyType).OrderBy(t => t.Name));
        foreach (var property in properties)
        {
            var stem = property.PropertyType.Name[1..^"Repository".Length];
            Assert.Equal(stem.EndsWith("ss", StringComparison.Ordinal) ? stem + "es" : stem.EndsWith('s') ? stem : stem + "s", property.Name);
        }
    }
}
