using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using PersistStore.Module.Tests.Infrastructure;
using Xunit;

namespace PersistStore.Module.Tests;

/// <summary>
/// Every PowerShell example in README.md and docs/ runs, against a fresh store holding the sample runs of
/// examples/sample-store.ps1, and must finish without a single error. Each runs in its own host process whose
/// temporary folder and per-user data folder are private, so no example touches the machine's real stores.
/// </summary>
[Collection("Processes")]
public class ExampleTests
{
    private static readonly Regex Fence = new(@"^```powershell\r?\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline);
    public static IEnumerable<object[]> Examples()
    {
        var files = Directory.GetFiles(Path.Combine(Repo.Root, "docs"), "*.md").Append(Path.Combine(Repo.Root, "README.md"));
        foreach (var file in files.OrderBy(f => f, StringComparer.Ordinal))
        {
            int n = 0;
            foreach (Match m in Fence.Matches(File.ReadAllText(file)))
            {
                string code = m.Groups["code"].Value;
                // Installing from the PowerShell Gallery needs the network and PowerShellGet; it is the one block not run.
                if (code.TrimStart().StartsWith("Install-Module", StringComparison.Ordinal)) continue;
                yield return new object[] { Path.GetRelativePath(Repo.Root, file), ++n, code };
            }
        }
    }

    [Fact]
    public void EveryDocsPageAndTheReadmeHaveExamples()
    {
        var perFile = Examples().GroupBy(e => (string)e[0]).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(perFile.GetValueOrDefault("README.md") >= 1);
        foreach (var page in Directory.GetFiles(Path.Combine(Repo.Root, "docs"), "*-*.md"))
            Assert.True(perFile.GetValueOrDefault(Path.GetRelativePath(Repo.Root, page)) >= 1, page);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async System.Threading.Tasks.Task ExampleRunsWithoutErrors(string file, int number, string code)
    {
        using var temp = new TempFolder();
        var env = new Dictionary<string, string?>
        {
            ["XDG_DATA_HOME"] = Directory.CreateDirectory(temp.File("xdg")).FullName,
            ["TMPDIR"] = Directory.CreateDirectory(temp.File("tmp")).FullName,
        };
        string script = $"$ErrorActionPreference = 'Continue'\nConnect-PersistStore -Path '{temp.File("examples.pstore")}'\n& '{Path.Combine(Repo.Root, "examples", "sample-store.ps1")}'\n{code}";
        var result = await ChildProcess.HostCommandAsync(script, env);
        Assert.True(result.ExitCode == 0 && result.Stderr.Length == 0, $"{file} example {number} failed:\n{code}\n{result}");
    }
}
