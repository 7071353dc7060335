#!/usr/bin/env python3
"""Extracts every ```csharp block of README.md and docs/*.md into C# files of a throwaway project (.ci/doc-snippets.sh).

The convention (README.md, "Code blocks in the documentation"):
  * A block that starts with `using` lines is a program as pasted: it gets only the SDK's implicit usings, its own
    usings and `args`; nothing else is supplied.
  * Any other block is a fragment: it also gets the package's namespaces and the names of the PRELUDE below (a block
    that declares one of those names itself keeps its own).
  * An HTML comment right above the block changes that:
      <!-- snippet: given Type name, Type name -->   more names the fragment uses (they override the prelude's types)
      <!-- snippet: run -->                          also run it (on the in-memory store: it must not need a server)
      <!-- snippet: not compiled: reason -->         not C# to compile here (an excerpt of a file the build compiles, ...)
    Parts combine with ';', e.g. <!-- snippet: run; given UserId adminId -->.
Statements become the body of an async method; type declarations (class/record/struct/interface/enum at column 0)
stay types, in a namespace of their own per block. #line directives point compiler errors at the document's lines.
"""
import glob
import os
import re
import sys

# Names a fragment may use without declaring them, and their types.
PRELUDE = [
    ("HostApplicationBuilder", "builder"),
    ("SnippetServices", "services"),
    ("Microsoft.AspNetCore.Builder.WebApplication", "app"),
    ("IConfiguration", "configuration"),
    ("CancellationToken", "ct"),
    ("CancellationToken", "cancellationToken"),
    ("string", "cs"),
    ("string", "connectionString"),
    ("string", "adminConnectionString"),
    ("NpgsqlDataSource", "dataSource"),
    ("UserId", "userId"),
    ("UserId", "adminId"),
    ("UserId", "readerId"),
    ("UserId", "admin"),
    ("TenantId", "tenantId"),
    ("DomainId", "domainId"),
    ("DomainId", "domain"),
    ("VpsInstanceId", "vpsId"),
    ("SmtpIpAddressId", "ipId"),
    ("SmtpIpAddress", "ip"),
    ("DomainIpAssignmentId", "assignmentId"),
    ("IEnumerable<string>", "addresses"),
    ("IInfraUnitOfWorkFactory", "unitOfWorkFactory"),
    ("FakeTimeProvider", "fakeClock"),
    ("FakeTimeProvider", "fakeTimeProvider"),
    ("IFeatureFlagEvaluator", "flags"),
]

PACKAGE_NAMESPACES = [
    "Microsoft.Extensions.Configuration",
    "Microsoft.Extensions.DependencyInjection",
    "Microsoft.Extensions.Hosting",
    "Microsoft.Extensions.Time.Testing",
    "Npgsql",
    "PenguinMails.Infrastructure.Core",
    "PenguinMails.Infrastructure.Core.Assignments",
    "PenguinMails.Infrastructure.Core.DependencyInjection",
    "PenguinMails.Infrastructure.Core.FeatureFlags",
    "PenguinMails.Infrastructure.Core.IpPools",
    "PenguinMails.Infrastructure.Core.Lifecycles",
    "PenguinMails.Infrastructure.Core.Postgres",
    "PenguinMails.Infrastructure.Core.Postgres.Schema",
    "PenguinMails.Infrastructure.Core.Preferences",
    "PenguinMails.Infrastructure.Core.Reliability",
    "PenguinMails.Infrastructure.Core.Replicas",
    "PenguinMails.Infrastructure.Core.SmtpIps",
    "PenguinMails.Infrastructure.Core.Specification",
    "PenguinMails.Infrastructure.Core.Staff",
    "PenguinMails.Infrastructure.Core.SystemConfig",
    "PenguinMails.Infrastructure.Core.Tenants",
    "PenguinMails.Infrastructure.Core.Testing",
    "PenguinMails.Infrastructure.Core.Vps",
    "Xunit",
    # Third-party APIs the pages show next to the package's.
    "DbUp",
    "DbUp.Engine",
    "Microsoft.AspNetCore.Builder",
    "Microsoft.Extensions.Logging",
    "OpenTelemetry.Metrics",
    "OpenTelemetry.Trace",
]

# A program as pasted imports nothing of the prelude's: its parameters are written fully qualified.
QUALIFIED = {
    "HostApplicationBuilder": "Microsoft.Extensions.Hosting.HostApplicationBuilder",
    "IServiceProvider": "System.IServiceProvider",
    "IServiceCollection": "Microsoft.Extensions.DependencyInjection.IServiceCollection",
    "IConfiguration": "Microsoft.Extensions.Configuration.IConfiguration",
    "NpgsqlDataSource": "Npgsql.NpgsqlDataSource",
    "ILogger": "Microsoft.Extensions.Logging.ILogger",
    "UserId": "PenguinMails.Infrastructure.Core.UserId",
    "TenantId": "PenguinMails.Infrastructure.Core.TenantId",
    "DomainId": "PenguinMails.Infrastructure.Core.DomainId",
    "VpsInstanceId": "PenguinMails.Infrastructure.Core.Vps.VpsInstanceId",
    "SmtpIpAddressId": "PenguinMails.Infrastructure.Core.SmtpIps.SmtpIpAddressId",
}

TYPE_START = re.compile(r"^(\[.*\]\s*)?((public|internal|file|sealed|static|abstract|partial|readonly)\s+)*(class|record|struct|interface|enum)\s+\w+")
USING = re.compile(r"^using\s+(static\s+)?[A-Za-z_][\w.]*(\s*=\s*[\w.<>]+)?\s*;\s*(//.*)?$")
DECLARED = [
    re.compile(r"\bvar\s+(\w+)"),
    re.compile(r"\b(?:string|int|long|bool|decimal|double|object)\??\s+(\w+)\s*[=;]"),
    re.compile(r"\b[A-Z]\w*(?:<[^<>()]*(?:<[^<>()]*>)?[^<>()]*>)?\??\s+(\w+)\s*(?:=(?!=)|;)"),
    re.compile(r"\bforeach\s*\(\s*[\w<>?,\s]+?\s+(\w+)\s+in\b"),
    re.compile(r"\bout\s+\w+\s+(\w+)"),
    re.compile(r"\bcatch\s*\(\s*\w+\s+(\w+)\s*\)"),
    re.compile(r"\(?\s*(\w+)\s*\)?\s*=>"),
    re.compile(r"\((\w+),\s*(\w+)\)\s*=>"),
]


def blocks(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```csharp":
            markers = []
            k = i - 1
            while k >= 0 and lines[k].strip().startswith("<!--") and lines[k].strip().endswith("-->"):
                markers.append(lines[k].strip()[4:-3].strip())
                k -= 1
            j = i + 1
            while lines[j].strip() != "```":
                j += 1
            yield i + 2, lines[i + 1 : j], markers
            i = j
        i += 1


def parse_markers(markers):
    run, given, skip = False, [], None
    for marker in markers:
        if not marker.startswith("snippet:"):
            continue
        for part in marker[len("snippet:") :].split(";"):
            part = part.strip()
            if part == "run":
                run = True
            elif part.startswith("given "):
                for decl in part[len("given ") :].split(","):
                    t, n = decl.strip().rsplit(" ", 1)
                    given.append((t.strip(), n.strip()))
            elif part.startswith("not compiled"):
                skip = part.split(":", 1)[1].strip() if ":" in part else "not compiled"
            elif part:
                raise SystemExit(f"unknown snippet marker part '{part}'")
    return run, given, skip


def split(body):
    """(usings, segments): segments are (kind, first line index, lines), kind 'code' or 'type'."""
    usings, segments, i = [], [], 0
    while i < len(body) and (USING.match(body[i]) or not body[i].strip()) and not any(s for s in segments):
        if USING.match(body[i]):
            usings.append(body[i])
        i += 1
    start_code = i
    while i < len(body):
        if TYPE_START.match(body[i]):
            j = i
            # a type runs to the first later line that is exactly "}" at column 0 (or to its ';' for a positional record)
            if body[i].rstrip().endswith(";"):
                j = i
            else:
                while j < len(body) and body[j].rstrip() != "}":
                    j += 1
            segments.append(("type", i, body[i : j + 1]))
            i = j + 1
        else:
            j = i
            while j < len(body) and not TYPE_START.match(body[j]):
                j += 1
            segments.append(("code", i, body[i:j]))
            i = j
    return usings, segments, start_code


def declared_names(code):
    text = "\n".join(code)
    names = set()
    for pattern in DECLARED:
        for m in pattern.finditer(text):
            names.update(g for g in m.groups() if g)
    return names


def main():
    root, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    docs = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    runs, manifest, n = [], [], 0
    for doc in docs:
        rel = os.path.relpath(doc, root)
        for first_line, body, markers in blocks(doc):
            n += 1
            run, given, skip = parse_markers(markers)
            where = f"{rel}:{first_line - 1}"
            if skip is not None:
                manifest.append(f"not compiled  {where}  ({skip})")
                continue
            usings, segments, _ = split(body)
            as_pasted = bool(usings)
            code = [l for kind, _, seg in segments if kind == "code" for l in seg]
            own = declared_names(code)
            params = [("string[]", "args")] if as_pasted else [("string[]", "args")] + PRELUDE
            given_names = {name for _, name in given}
            params = [(t, name) for t, name in params if name not in given_names] + given
            params = [(t, name) for t, name in params if name not in own or name in given_names]
            ns = f"DocSnippets.S{n:03d}"
            doc_path = rel
            src = ["// <auto-generated/> from " + where, "#nullable enable"]
            if not as_pasted:
                src += [f"using {u};" for u in PACKAGE_NAMESPACES]
            src += usings
            src += [f"namespace {ns}", "{"]
            src += ["internal static class Snippet", "{"]
            shown = [(QUALIFIED.get(t, t) if as_pasted else t, name) for t, name in params]
            src.append("    internal static async Task RunAsync(" + ", ".join(f"{t} {name}" for t, name in shown) + ")")
            src.append("    {")
            for kind, start, seg in segments:
                if kind == "code" and any(l.strip() for l in seg):
                    src.append(f'#line {first_line + start} "{doc_path}"')
                    src += seg
                    src.append("#line default")
            src += ["        await Task.CompletedTask;", "    }", "}"]
            for kind, start, seg in segments:
                if kind == "type":
                    src.append(f'#line {first_line + start} "{doc_path}"')
                    src += seg
                    src.append("#line default")
            src.append("}")
            with open(os.path.join(out, f"S{n:03d}.cs"), "w", encoding="utf-8") as f:
                f.write("\n".join(src) + "\n")
            manifest.append(f"{'run' if run else 'compiled':<12}  {where}" + ("  (as pasted)" if as_pasted else ""))
            if run:
                runs.append((ns, where, params))

    # The runner: calls every 'run' block with fresh values for the names it uses.
    values = {
        "string[]": "System.Array.Empty<string>()",
        "SnippetServices": "new SnippetServices()",
        "CancellationToken": "CancellationToken.None",
        "UserId": "UserId.New()",
        "TenantId": "TenantId.New()",
        "DomainId": "DomainId.New()",
        "VpsInstanceId": "VpsInstanceId.New()",
        "SmtpIpAddressId": "SmtpIpAddressId.New()",
        "DomainIpAssignmentId": "DomainIpAssignmentId.New()",
        "FakeTimeProvider": "new FakeTimeProvider()",
        "string": '"Host=localhost"',
    }
    prog = ["// <auto-generated/>", "#nullable enable"] + [f"using {u};" for u in PACKAGE_NAMESPACES]
    prog += ["var failed = 0;"]
    for ns, where, params in runs:
        call_args = ", ".join(values.get(t, "default!") for t, _ in params)
        prog += [
            "try",
            "{",
            f"    await {ns}.Snippet.RunAsync({call_args});",
            f'    Console.WriteLine("doc snippets: ran {where}");',
            "}",
            "catch (Exception ex)",
            "{",
            "    failed++;",
            f'    Console.Error.WriteLine("doc snippets: FAILED running {where}: " + ex);',
            "}",
        ]
    prog += ["return failed == 0 ? 0 : 1;"]
    with open(os.path.join(out, "Program.cs"), "w", encoding="utf-8") as f:
        f.write("\n".join(prog) + "\n")
    with open(os.path.join(out, "manifest.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(manifest) + "\n")


if __name__ == "__main__":
    main()
