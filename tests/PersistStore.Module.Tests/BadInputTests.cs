using System;
using System.IO;
using System.Management.Automation;
using PersistStore.Module.Tests.Infrastructure;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Module.Tests;

/// <summary>Every bad input: a clear error (stable id, category, target, what to do) and nothing written.</summary>
[Collection("Module")]
public class BadInputTests : IDisposable
{
    private readonly ModuleFixture _ps;
    private readonly TempFolder _temp = new();

    public BadInputTests(ModuleFixture ps) => _ps = ps;

    public void Dispose() => _temp.Dispose();

    private string Store => _temp.File("bad.pstore");

    private PsResult Run(string script, object? values = null) => _ps.Run(script, values ?? new { s = Store, dir = _temp.Path });

    private static void AssertError(ErrorRecord e, string id, ErrorCategory category, object? target, string hint)
    {
        Assert.StartsWith(id + ",", e.FullyQualifiedErrorId);
        Assert.Equal(category, e.CategoryInfo.Category);
        Assert.Equal(target, e.TargetObject?.ToString());
        Assert.Contains(hint, e.Exception.Message);
    }

    private long HistoryCount() => (long)Run("(Get-PersistStore -Store $s).HistoryEntries").Succeeded().Single()!;

    [Theory]
    [InlineData("bad name")]
    [InlineData("-dash")]
    [InlineData("star*")]
    [InlineData("")]
    public void InvalidRunNamesAreRefusedBeforeTheStoreIsCreated(string name)
    {
        var result = _ps.Run("param($s, $n) New-Run -Name $n -Store $s", new { s = Store, n = name });
        if (name.Length == 0)
            Assert.Equal("ParameterArgumentValidationErrorEmptyStringNotAllowed,PersistStore.Commands.NewRunCommand", result.SingleError().FullyQualifiedErrorId);
        else
            AssertError(result.SingleError(), "InvalidRunName", ErrorCategory.InvalidArgument, name, "Use 1 to 128 letters");
        Assert.False(File.Exists(Store));
    }

    [Fact]
    public void ADuplicateRunIsRefusedCaseInsensitivelyAndNothingIsWritten()
    {
        Run("New-Run etl -Store $s").Succeeded();
        long before = HistoryCount();
        AssertError(Run("New-Run ETL -Store $s").SingleError(), "RunAlreadyExists", ErrorCategory.ResourceExists, "ETL", "Set-Run");
        Assert.Equal(before, HistoryCount());
    }

    [Fact]
    public void AnUnknownRunIsObjectNotFoundNamingIt()
    {
        Run("New-Run known -Store $s").Succeeded();
        long before = HistoryCount();
        AssertError(Run("Set-RunTag -Run ghost -Tag x -Store $s").SingleError(), "RunNotFound", ErrorCategory.ObjectNotFound, "ghost", "Get-Run");
        AssertError(Run("Get-Run ghost -Store $s").SingleError(), "RunNotFound", ErrorCategory.ObjectNotFound, "ghost", "New-Run");
        AssertError(Run("Remove-Run ghost -Confirm:$false -Store $s").SingleError(), "RunNotFound", ErrorCategory.ObjectNotFound, "ghost", "Get-Run");
        AssertError(Run("Set-Run ghost -Description x -WhatIf -Store $s").SingleError(), "RunNotFound", ErrorCategory.ObjectNotFound, "ghost", "Get-Run");
        Assert.Empty(Run("Get-Run gh* -Store $s").Succeeded().Output);
        Assert.Equal(before, HistoryCount());
    }

    [Fact]
    public void OneBadPipelineItemDoesNotStopTheOthers()
    {
        Run("New-Run a -Store $s; New-Run b -Store $s").Succeeded();
        var result = Run("'a', 'ghost', 'b' | Set-RunTag -Tag seen -Store $s");
        AssertError(result.SingleError(), "RunNotFound", ErrorCategory.ObjectNotFound, "ghost", "Get-Run");
        Assert.Equal(2, (int)Run("@(Get-Run -Tag seen -Store $s).Count").Succeeded().Single()!);
    }

    [Fact]
    public void BadTagsAndPropertiesAreRefusedAndNothingIsWritten()
    {
        Run("New-Run r -Tag keep -Store $s").Succeeded();
        long before = HistoryCount();
        AssertError(Run("Set-RunTag r -Tag ok, \"bad`ttab\" -Store $s").SingleError(), "InvalidTag", ErrorCategory.InvalidArgument, "bad\ttab", "control");
        AssertError(Run("Set-RunTag r -Tag ('x' * 129) -Append -Store $s").SingleError(), "InvalidTag", ErrorCategory.InvalidArgument, new string('x', 129), "129 characters");
        AssertError(Run("Set-Run r -Properties @{ nested = @{ a = 1 } } -Store $s").SingleError(), "InvalidProperty", ErrorCategory.InvalidArgument, "nested", "simple value");
        AssertError(Run("New-Run r2 -Tag ' padded' -Store $s").SingleError(), "InvalidTag", ErrorCategory.InvalidArgument, " padded", "white space");
        AssertError(Run("New-Run r3 -Path ([IO.Path]::Combine($dir, 'nope')) -Store $s").SingleError(),
            "RunPathNotFound", ErrorCategory.ObjectNotFound, Path.Combine(_temp.Path, "nope"), "Create it first");
        Assert.Equal(before, HistoryCount());
        Assert.Equal(new[] { "keep" }, Run("Get-Run r -Store $s").Succeeded().Output[0].Strings("Tags"));
    }

    [Fact]
    public void AStoreInAMissingFolderIsRefusedAndTheFolderIsNotCreated()
    {
        string path = Path.Combine(_temp.Path, "missing", "s.pstore");
        var e = _ps.Run("param($p) New-Run x -Store $p", new { p = path }).SingleError();
        AssertError(e, "StoreNotFound", ErrorCategory.ObjectNotFound, path, "Create the folder first");
        Assert.False(Directory.Exists(Path.Combine(_temp.Path, "missing")));
    }

    [Fact]
    public void AStoreInAReadOnlyFolderIsPermissionDenied()
    {
        using var readOnly = ReadOnlyFolder.Create(_temp.Path);
        string path = Path.Combine(readOnly.Path, "s.pstore");
        var e = _ps.Run("param($p) Connect-PersistStore -Path $p", new { p = path }).SingleError();
        AssertError(e, "StoreAccessDenied", ErrorCategory.PermissionDenied, path, "writable");
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void AFileThatIsNotAStoreIsRefusedAndLeftByteForByte()
    {
        File.WriteAllText(Store, "name,value\nretries,3\n");
        byte[] before = File.ReadAllBytes(Store);
        AssertError(Run("New-Run x -Store $s").SingleError(), "NotAPersistStore", ErrorCategory.InvalidData, Store, "not a PersistStore store");
        AssertError(Run("Get-Run -Store $s").SingleError(), "NotAPersistStore", ErrorCategory.InvalidData, Store, "not a PersistStore store");
        Assert.Equal(before, File.ReadAllBytes(Store));
    }

    [Fact]
    public void ANewerFormatStoreIsRefusedAndLeftByteForByte()
    {
        Run("New-Run x -Store $s").Succeeded();
        string newer = _temp.File("newer.pstore");
        string index = Path.Combine(newer, "index.db");
        Directory.CreateDirectory(Path.Combine(newer, "packs"));
        File.Copy(Path.Combine(Store, "index.db"), index);
        File.Copy(Path.Combine(Store, "index.db-wal"), index + "-wal", overwrite: true);
        var tool = ChildProcess.Tool("sql", index, "UPDATE store_meta SET value = '7' WHERE key = 'format_version'; PRAGMA wal_checkpoint(TRUNCATE);");
        Assert.True(tool.ExitCode == 0, tool.ToString());
        byte[] before = File.ReadAllBytes(index);
        var e = _ps.Run("param($p) Get-Run -Store $p", new { p = newer }).SingleError();
        AssertError(e, "StoreFormatTooNew", ErrorCategory.InvalidData, newer, "Update-Module PersistStore");
        Assert.Equal(before, File.ReadAllBytes(index));
    }

    [Fact]
    public void AReadCommandDoesNotCreateAStore()
    {
        AssertError(Run("Get-Run -Store $s").SingleError(), "StoreNotFound", ErrorCategory.ObjectNotFound, Store, "Connect-PersistStore");
        Assert.False(File.Exists(Store));
    }

    [Fact]
    public void APostgresConnectionStringNeverShowsItsPassword()
    {
        // Nothing listens on port 1: the server cannot be reached, and the error says so without the password.
        var e = Run("Connect-PersistStore -ConnectionString 'Host=127.0.0.1;Port=1;Timeout=3;Username=ops;Password=s3cret!'").SingleError();
        Assert.StartsWith("StoreUnreachable,", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceUnavailable, e.CategoryInfo.Category);
        Assert.DoesNotContain("s3cret", e.Exception.Message + e.TargetObject);
        Assert.Contains("Password=***", e.TargetObject?.ToString());
    }
}
