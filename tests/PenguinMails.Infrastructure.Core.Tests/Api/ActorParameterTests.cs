using System.Reflection;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.SystemConfig;

namespace PenguinMails.Infrastructure.Core.Tests.Api;

/// <summary>
/// The user on whose behalf a service acts (whose permission is checked and who is recorded as the author) is one
/// parameter with one name everywhere: <c>UserId actor</c>, first.
/// </summary>
public sealed class ActorParameterTests
{
    private static readonly string[] OtherNamesForTheActor = ["actingUserId", "actingUser", "actorId", "readerId", "writerId", "performedBy", "changedBy"];

    public static TheoryData<Type> ActingServices() => new(typeof(IFeatureFlagManager), typeof(IStaffAdministration), typeof(ISystemConfigService));

    [Theory]
    [MemberData(nameof(ActingServices))]
    public void EveryMethodOfAnActingService_TakesUserIdActorFirst(Type service)
    {
        // The first administrator is made by no one: bootstrapping works only while nobody holds staff.manage.
        var methods = service.GetMethods().Where(m => m.Name != nameof(IStaffAdministration.BootstrapAdministratorAsync)).ToArray();
        Assert.NotEmpty(methods);
        Assert.All(methods, m =>
        {
            var first = m.GetParameters().FirstOrDefault();
            Assert.True(first is { Name: "actor" } && first.ParameterType == typeof(UserId), $"{service.Name}.{m.Name} must take 'UserId actor' first");
        });
    }

    [Fact]
    public void NoPublicParameter_NamesTheActorAnyOtherWay()
    {
        var offenders = typeof(IInfraUnitOfWork)
            .Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).Cast<MethodBase>().Concat(t.GetConstructors()))
            .SelectMany(m => m.GetParameters().Select(p => (Method: m, Parameter: p)))
            .Where(x => OtherNamesForTheActor.Contains(x.Parameter.Name))
            .Select(x => $"{x.Method.DeclaringType!.Name}.{x.Method.Name}({x.Parameter.Name})")
            .ToList();

        Assert.Empty(offenders);
    }
}
