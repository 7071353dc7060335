using System.Text.RegularExpressions;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.Lifecycles;

/// <summary>Holds docs/lifecycles.md to the transition tables of the code.</summary>
public sealed partial class LifecycleDocumentationTests
{
    private static readonly Dictionary<string, string> Diagrams = new()
    {
        ["vps_instances.status"] = VpsInstanceLifecycle.Definition.ToMermaid(),
        ["smtp_ip_addresses.status"] = SmtpIpAddressLifecycle.Definition.ToMermaid(),
        ["domain_ip_assignments.status"] = DomainIpAssignmentLifecycle.Definition.ToMermaid(),
        ["domain_ip_assignments.warmup_state"] = WarmupStateLifecycle.Definition.ToMermaid(),
    };

    private static string DocPath => Path.Combine(RepositoryLayout.Root, "docs", "lifecycles.md");

    private static string Block(string mermaid) => "```mermaid\n" + mermaid + "```\n";

    [Fact]
    public void LifecyclesDoc_EveryDiagram_MatchesTheCode()
    {
        var doc = File.ReadAllText(DocPath).ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("PENGUINMAILS_UPDATE_DOCS") == "1")
        {
            doc = Section().Replace(doc, m => $"<!-- lifecycle:{m.Groups[1].Value} -->\n{Block(Diagrams[m.Groups[1].Value])}<!-- /lifecycle -->");
            File.WriteAllText(DocPath, doc);
        }

        var found = Section().Matches(doc).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.Equal(Diagrams.Keys.Order(), found.Keys.Order());
        foreach (var (key, mermaid) in Diagrams)
        {
            Assert.True(Block(mermaid) == found[key], $"docs/lifecycles.md, {key}: the diagram differs from the code. Run the tests with PENGUINMAILS_UPDATE_DOCS=1 to regenerate it.\nExpected:\n{Block(mermaid)}\nFound:\n{found[key]}");
        }
    }

    [Fact]
    public void ToMermaid_VpsLifecycle_ListsInitialEveryEdgeAndTerminal()
    {
        var mermaid = VpsInstanceLifecycle.Definition.ToMermaid();

        Assert.Equal(
            """
            stateDiagram-v2
                [*] --> provisioning
                provisioning --> active
                provisioning --> decommissioned
                active --> scheduled_decommission
                scheduled_decommission --> active
                scheduled_decommission --> decommissioned
                decommissioned --> [*]

            """.ReplaceLineEndings("\n"),
            mermaid
        );
    }

    [GeneratedRegex(@"<!-- lifecycle:([a-z_.]+) -->\n(.*?)<!-- /lifecycle -->", RegexOptions.Singleline)]
    private static partial Regex Section();
}
