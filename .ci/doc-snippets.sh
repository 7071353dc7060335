#!/usr/bin/env bash
# Doc-snippet test: every ```csharp block of README.md and docs/*.md is compiled against the packed packages, and the
# blocks marked <!-- snippet: run --> are also run, in a throwaway project outside the repository (so
# Directory.Build.props, Directory.Packages.props and global.json do not apply), restored from the pack output folder
# for PenguinMails.* and from the repository's upstream sources for everything else, like .ci/package-smoke.sh.
# .ci/doc-snippets.py extracts the blocks; the convention is in README.md, "Code blocks in the documentation".
# A compiler error names the document and its line. Usage: bash .ci/doc-snippets.sh <folder holding the .nupkg files>.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
feed="$(cd "${1:?usage: doc-snippets.sh <folder holding the packed .nupkg files>}" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work="$(mktemp -d "${TMPDIR:-/tmp}/penguinmails-doc-snippets.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export NUGET_PACKAGES="$work/nuget-packages"
fail() { echo "doc snippets: FAILED: $*" >&2; exit 1; }

core_pkg=""
for f in "$feed"/PenguinMails.Infrastructure.Core.[0-9]*.nupkg; do [ -f "$f" ] && core_pkg="$f"; done
[ -n "$core_pkg" ] || fail "no PenguinMails.Infrastructure.Core.<version>.nupkg in $feed"
version="$(basename "$core_pkg" .nupkg)"
version="${version#PenguinMails.Infrastructure.Core.}"

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

app="$work/DocSnippets"
mkdir -p "$app"
python3 "$repo/.ci/doc-snippets.py" "$repo" "$app/Snippets" || fail "could not extract the code blocks"
cat >"$app/DocSnippets.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <!-- Fragments declare what they show, not always what they use afterwards. -->
    <NoWarn>\$(NoWarn);CS0168;CS0219;CS1998;CS8321;CS0162;CS8600;CS8602;CS8604;CS8618;CS8625</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <FrameworkReference Include="Microsoft.AspNetCore.App" />
    <PackageReference Include="PenguinMails.Infrastructure.Core" Version="$version" />
    <PackageReference Include="PenguinMails.Infrastructure.Core.Testing" Version="$version" />
    <PackageReference Include="PenguinMails.Infrastructure.Core.Specification.Tests" Version="$version" />
    <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.0" />
    <PackageReference Include="OpenTelemetry.Extensions.Hosting" Version="1.21.0" />
    <PackageReference Include="OpenTelemetry.Exporter.OpenTelemetryProtocol" Version="1.21.0" />
    <PackageReference Include="dbup-postgresql" Version="7.0.1" />
  </ItemGroup>
</Project>
XML
cat >"$app/SnippetServices.cs" <<'CS'
using Microsoft.Extensions.DependencyInjection;

/// <summary>The prelude's <c>services</c>: a service collection that fragments register into and resolve from.</summary>
public sealed class SnippetServices : List<ServiceDescriptor>, IServiceCollection, IServiceProvider
{
    private IServiceProvider? _built;

    public object? GetService(Type serviceType) => (_built ??= ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(this)).GetService(serviceType);
}
CS
cp "$work/nuget.config" "$app/nuget.config"

echo "doc snippets: $(grep -c . "$app/Snippets/manifest.txt") code blocks in README.md and docs/*.md, packages $version from $feed"
if ! (cd "$app" && dotnet build -c Release -nologo -v quiet 2>&1 | grep -E ' error |error\(s\)|Build succeeded' | sed -e 's/ \[.*csproj\]$//' -e "s|^$app/Snippets/||" | sort -u | tee "$work/build.log" >/dev/null; grep -q 'Build succeeded' "$work/build.log"); then
  grep ' error ' "$work/build.log" >&2 || cat "$work/build.log" >&2
  fail "$(grep -c ' error ' "$work/build.log" || true) compiler error(s) in the documentation's code blocks (file:line above)"
fi
(cd "$app" && dotnet run -c Release --no-build) || fail "a block marked run failed"
sed 's/^/doc snippets: /' "$app/Snippets/manifest.txt"
echo "doc snippets: $(grep -c '^compiled\|^run' "$app/Snippets/manifest.txt") compiled ($(grep -c '^run' "$app/Snippets/manifest.txt" || true) also run), $(grep -c '^not compiled' "$app/Snippets/manifest.txt" || true) not compiled"
