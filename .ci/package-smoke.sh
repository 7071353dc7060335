#!/usr/bin/env bash
# Package smoke test: checks the packed packages' contents, then installs them from a local feed the way an application
# team would, outside the repository (so Directory.Build.props, Directory.Packages.props and global.json do not apply):
#   1. every package: README.md included and declared, MIT license expression, repository metadata; the Testing package
#      depends on exactly its own version of Core ([x.y.z]), since it uses Core's internals; the Specification.Tests
#      package depends on Core and xunit's library parts, not on the test SDK or a runner; the libraries: the
#      assembly with its XML documentation; the CLI: a .NET tool package; each one with a .snupkg holding its .pdb;
#      EnablePackageValidation=true in the library projects (package validation runs inside `dotnet pack`; the SDK
#      switches it off for tool packages).
#   2. a throwaway console project whose nuget.config has two sources, the pack output folder (for PenguinMails.*, by
#      package source mapping, so an upstream package of the same name can never be taken) and the upstream sources the
#      repository restores from (for everything else); `dotnet add package` of PenguinMails.Infrastructure.Core and
#      .Testing at the packed version; a Program.cs that calls AddPenguinMailsInfra + UseInMemoryStore in a generic host,
#      does one repository round trip and asks the health check the call registered.
#   2b. a throwaway xunit project referencing PenguinMails.Infrastructure.Core.Specification.Tests (and .Testing for a
#      store) at the packed version, with one class derived from VpsInstanceRepositoryContract: `dotnet test` must
#      discover the inherited tests from the package and pass them all (none failed or skipped).
#   3. `dotnet tool install` of PenguinMails.Infrastructure.Cli from the same feed into a temporary tool path, then
#      `penguinmails-infra --help`.
# A private NuGet packages folder is used, so a package cached by an earlier run can never stand in for the new one.
# Usage: bash .ci/package-smoke.sh <folder holding the .nupkg/.snupkg files>. Exit code 0 only when every check passed;
# the temporary folder is removed in every case.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
feed="$(cd "${1:?usage: package-smoke.sh <folder holding the packed .nupkg files>}" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work="$(mktemp -d "${TMPDIR:-/tmp}/penguinmails-package-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export NUGET_PACKAGES="$work/nuget-packages"

fail() { echo "package smoke: FAILED: $*" >&2; exit 1; }
say() { echo "package smoke: $*"; }

core_pkg=""
for f in "$feed"/PenguinMails.Infrastructure.Core.[0-9]*.nupkg; do [ -f "$f" ] && core_pkg="$f"; done
[ -n "$core_pkg" ] || fail "no PenguinMails.Infrastructure.Core.<version>.nupkg in $feed"
version="$(basename "$core_pkg" .nupkg)"
version="${version#PenguinMails.Infrastructure.Core.}"
say "version $version from $feed"

# --- 1. contents ---------------------------------------------------------------------------------------------------
check_package() { # id, kind (library | tool)
  local id="$1" kind="$2" nupkg="$feed/$1.$version.nupkg" snupkg="$feed/$1.$version.snupkg" listing nuspec
  [ -f "$nupkg" ] || fail "$id: $nupkg is missing"
  [ -f "$snupkg" ] || fail "$id: symbol package $snupkg is missing"
  listing="$(unzip -Z1 "$nupkg")"
  nuspec="$(unzip -p "$nupkg" "$id.nuspec")" || fail "$id: no $id.nuspec in the package"
  grep -qx 'README.md' <<<"$listing" || fail "$id: README.md is not in the package"
  grep -q '<readme>README.md</readme>' <<<"$nuspec" || fail "$id: the nuspec declares no readme"
  grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || fail "$id: no MIT license expression"
  grep -q '<repository type="git" url="https://github.com/' <<<"$nuspec" || fail "$id: no repository metadata"
  grep -q "<version>$version</version>" <<<"$nuspec" || fail "$id: the nuspec version is not $version"
  if [ "$kind" = library ]; then
    grep -qx "lib/net10.0/$id.dll" <<<"$listing" || fail "$id: lib/net10.0/$id.dll is missing"
    grep -qx "lib/net10.0/$id.xml" <<<"$listing" || fail "$id: the XML documentation lib/net10.0/$id.xml is missing"
    unzip -p "$nupkg" "lib/net10.0/$id.xml" | grep -c '<member name="T:' >/dev/null || fail "$id: the XML documentation documents no type"
    unzip -Z1 "$snupkg" | grep -cx "lib/net10.0/$id.pdb" >/dev/null || fail "$id: the symbol package holds no lib/net10.0/$id.pdb"
  else
    grep -q '<packageType name="DotnetTool"' <<<"$nuspec" || fail "$id: not a .NET tool package"
    grep -qx "tools/net10.0/any/$id.dll" <<<"$listing" || fail "$id: tools/net10.0/any/$id.dll is missing"
    grep -qx 'tools/net10.0/any/DotnetToolSettings.xml' <<<"$listing" || fail "$id: DotnetToolSettings.xml is missing"
    unzip -Z1 "$snupkg" | grep -cx "tools/net10.0/any/$id.pdb" >/dev/null || fail "$id: the symbol package holds no tools/net10.0/any/$id.pdb"
  fi
  say "$id $version: readme, MIT expression, repository, $([ "$kind" = library ] && echo "dll + XML docs" || echo "tool layout"), snupkg with pdb"
}
check_package PenguinMails.Infrastructure.Core library
check_package PenguinMails.Infrastructure.Core.Testing library
check_package PenguinMails.Infrastructure.Core.Specification.Tests library
check_package PenguinMails.Infrastructure.Cli tool

# The Testing package uses Core's internals, so it must depend on exactly its own Core version, never on a range.
testing_nuspec="$(unzip -p "$feed/PenguinMails.Infrastructure.Core.Testing.$version.nupkg" PenguinMails.Infrastructure.Core.Testing.nuspec)"
grep -q "<dependency id=\"PenguinMails.Infrastructure.Core\" version=\"\[$version\]\"" <<<"$testing_nuspec" \
  || fail "PenguinMails.Infrastructure.Core.Testing does not pin PenguinMails.Infrastructure.Core to exactly [$version]: $(grep -o '<dependency id="PenguinMails.Infrastructure.Core"[^>]*>' <<<"$testing_nuspec")"
say "PenguinMails.Infrastructure.Core.Testing depends on exactly PenguinMails.Infrastructure.Core [$version]"

# The specification-tests package is a library of abstract test classes: it depends on Core and on xunit's library parts,
# never on the test SDK or a runner (those are the consuming test project's).
spec_nuspec="$(unzip -p "$feed/PenguinMails.Infrastructure.Core.Specification.Tests.$version.nupkg" PenguinMails.Infrastructure.Core.Specification.Tests.nuspec)"
for dep in PenguinMails.Infrastructure.Core xunit.extensibility.core xunit.assert Microsoft.Extensions.TimeProvider.Testing; do
  grep -q "<dependency id=\"$dep\"" <<<"$spec_nuspec" || fail "PenguinMails.Infrastructure.Core.Specification.Tests does not depend on $dep"
done
for dep in Microsoft.NET.Test.Sdk xunit.runner.visualstudio xunit.core; do
  if grep -q "<dependency id=\"$dep\"" <<<"$spec_nuspec"; then fail "PenguinMails.Infrastructure.Core.Specification.Tests depends on $dep"; fi
done
say "PenguinMails.Infrastructure.Core.Specification.Tests depends on Core and xunit as a library, not on the test SDK or a runner"

# The SDK turns package validation (API compatibility) off for tool packages (Microsoft.NET.PackTool.targets: a tool
# provides no API), so it is checked on the libraries.
for project in PenguinMails.Infrastructure.Core PenguinMails.Infrastructure.Core.Testing PenguinMails.Infrastructure.Core.Specification.Tests; do
  validation="$(cd "$repo" && dotnet msbuild "src/$project/$project.csproj" -getProperty:EnablePackageValidation)"
  [ "$validation" = true ] || fail "$project: EnablePackageValidation is '$validation', not true"
done
say "package validation is on in the three library projects (the SDK does not run it for tool packages)"

# --- 2. a consumer console app ---------------------------------------------------------------------------------------
# The upstream sources are the ones the repository restores from (its nuget.config chain, usually the machine's).
mapfile -t upstream < <(cd "$repo" && dotnet nuget list source --format short | sed -n 's/^E[A-Za-z]* \(.*\)$/\1/p')
[ "${#upstream[@]}" -gt 0 ] || fail "the repository has no enabled NuGet source"
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo '  <packageSources>'
  echo '    <clear />'
  echo "    <add key=\"local-pack\" value=\"$feed\" />"
  i=0; for url in "${upstream[@]}"; do echo "    <add key=\"upstream$i\" value=\"$url\" />"; i=$((i + 1)); done
  echo '  </packageSources>'
  echo '  <packageSourceMapping>'
  echo '    <packageSource key="local-pack"><package pattern="PenguinMails.*" /></packageSource>'
  i=0; for _ in "${upstream[@]}"; do echo "    <packageSource key=\"upstream$i\"><package pattern=\"*\" /></packageSource>"; i=$((i + 1)); done
  echo '  </packageSourceMapping>'
  echo '</configuration>'
} >"$work/nuget.config"

app="$work/SmokeApp"
(cd "$work" && dotnet new console --name SmokeApp --output "$app" --framework net10.0 --no-restore >/dev/null) || fail "dotnet new console"
cd "$app"
dotnet add package PenguinMails.Infrastructure.Core --version "$version" >/dev/null || fail "dotnet add package PenguinMails.Infrastructure.Core $version"
dotnet add package PenguinMails.Infrastructure.Core.Testing --version "$version" >/dev/null || fail "dotnet add package PenguinMails.Infrastructure.Core.Testing $version"
dotnet add package Microsoft.Extensions.Hosting --version 10.0.0 >/dev/null || fail "dotnet add package Microsoft.Extensions.Hosting"
cat >Program.cs <<'CS'
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using PenguinMails.Infrastructure.Core;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddPenguinMailsInfra(o => o.FeatureFlags.RefreshInterval = TimeSpan.FromSeconds(5))
    .UseInMemoryStore()
    .AddHealthCheck();
using var host = builder.Build();
await host.StartAsync();

var repository = host.Services.GetRequiredService<IVpsInstanceRepository>();
var stored = await repository.AddAsync(new VpsInstance { Region = "smoke-test" });
var loaded = await repository.GetAsync(stored.Id) ?? throw new InvalidOperationException("the stored VPS instance was not found");
if (loaded != stored)
{
    throw new InvalidOperationException($"round trip changed the entity: {stored} -> {loaded}");
}

var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
if (health.Status != HealthStatus.Healthy || !health.Entries.ContainsKey("penguinmails-infra"))
{
    throw new InvalidOperationException($"health check: {health.Status}, entries: {string.Join(", ", health.Entries.Keys)}");
}

await host.StopAsync();
Console.WriteLine($"round trip ok: VpsInstance {loaded.Id} in {loaded.Region}, status {loaded.Status}; health check {health.Status}");
CS
dotnet build -c Release -nologo -v q >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "the consumer app does not build against the packages"; }
grep -q "PenguinMails.Infrastructure.Core/$version" obj/project.assets.json || fail "the app did not restore PenguinMails.Infrastructure.Core $version"
output="$(Logging__LogLevel__Default=Warning dotnet run -c Release --no-build)" || fail "the consumer app failed: $output"
say "consumer app: $output"

# --- 2b. a consumer test project that runs the published contract suite ---------------------------------------------
# An xunit project outside the repository, referencing the specification-tests package and the Testing package from the
# feed: a store over the in-memory repositories and one class derived from the VPS instance contract. The inherited
# [Fact]/[Theory] methods must be discovered from the package and pass.
suite="$work/SuiteTests"
mkdir -p "$suite"
pinned() { sed -n "s/.*<PackageVersion Include=\"$1\" Version=\"\([^\"]*\)\".*/\1/p" "$repo/Directory.Packages.props"; }
cat >"$suite/SuiteTests.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <IsPackable>false</IsPackable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="PenguinMails.Infrastructure.Core.Specification.Tests" Version="$version" />
    <PackageReference Include="PenguinMails.Infrastructure.Core.Testing" Version="$version" />
    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="$(pinned Microsoft.NET.Test.Sdk)" />
    <PackageReference Include="xunit" Version="$(pinned xunit)" />
    <PackageReference Include="xunit.runner.visualstudio" Version="$(pinned xunit.runner.visualstudio)" />
  </ItemGroup>
</Project>
XML
cat >"$suite/VpsContractTests.cs" <<'CS'
using Microsoft.Extensions.Time.Testing;
using PenguinMails.Infrastructure.Core;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Preferences;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Specification;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Tenants;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;

public sealed class SmokeStore : IContractStore
{
    private readonly InMemoryInfraStore _data;

    public SmokeStore()
    {
        _data = new InMemoryInfraStore(Clock);
        VpsInstances = new InMemoryVpsInstanceRepository(_data);
        UnitOfWork = new InMemoryInfraUnitOfWorkFactory(_data);
    }

    public string Kind => "smoke";
    public FakeTimeProvider Clock { get; } = ContractClock.Create();
    public IVpsInstanceRepository VpsInstances { get; }
    public IInfraUnitOfWorkFactory UnitOfWork { get; }
    public ISmtpIpAddressRepository SmtpIpAddresses => throw new NotSupportedException();
    public IDomainIpAssignmentRepository DomainIpAssignments => throw new NotSupportedException();
    public IStaffRoleRepository StaffRoles => throw new NotSupportedException();
    public IPermissionRepository Permissions => throw new NotSupportedException();
    public IStaffMemberRepository StaffMembers => throw new NotSupportedException();
    public ISystemConfigRepository SystemConfigs => throw new NotSupportedException();
    public IFeatureFlagRepository FeatureFlags => throw new NotSupportedException();
    public IUserPreferencesRepository UserPreferences => throw new NotSupportedException();
    public ITenantConfigRepository TenantConfigs => throw new NotSupportedException();
    public ITenantPoliciesRepository TenantPolicies => throw new NotSupportedException();
    public Task AddUserAsync(UserId id) => throw new NotSupportedException();
    public Task AddTenantAsync(TenantId id) => throw new NotSupportedException();
    public Task AddDomainAsync(DomainId id, TenantId? tenant = null) => throw new NotSupportedException();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class SmokeVpsInstanceRepositoryTests : VpsInstanceRepositoryContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new SmokeStore());
}
CS
cd "$suite"
suite_out="$(dotnet test -c Release -nologo --logger "console;verbosity=minimal" 2>&1)" || { echo "$suite_out"; fail "the consumer test project running the contract suite failed"; }
summary="$(grep -E 'Passed!|Failed!' <<<"$suite_out" | tail -n 1)"
suite_passed="$(grep -o 'Passed: *[0-9]*' <<<"$summary" | grep -o '[0-9]*' || echo 0)"
grep -q 'Failed: *0,' <<<"$summary" && grep -q 'Skipped: *0,' <<<"$summary" && [ "${suite_passed:-0}" -gt 0 ] \
  || { echo "$suite_out"; fail "the contract suite from the package: $summary"; }
say "consumer test project: VpsInstanceRepositoryContract from the package, $suite_passed tests passed on a store of its own"

# --- 3. the CLI as a .NET tool -----------------------------------------------------------------------------------------
cd "$work"
dotnet tool install PenguinMails.Infrastructure.Cli --version "$version" --tool-path "$work/tools" --configfile "$work/nuget.config" >/dev/null \
  || fail "dotnet tool install PenguinMails.Infrastructure.Cli $version"
help="$("$work/tools/penguinmails-infra" --help)" || fail "penguinmails-infra --help exited non-zero"
grep -q "migrate" <<<"$help" || fail "penguinmails-infra --help does not mention migrate: $help"
say "penguinmails-infra $version installed from the local feed; --help lists $(grep -c . <<<"$help") lines"
say "all checks passed"
