using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using PersistStore.Module.Tests.Infrastructure;
using Xunit;

namespace PersistStore.Module.Tests;

[Collection("Module")]
public class ModuleLayoutTests
{
    private static readonly string[] Exported =
    {
        "Compare-Checkpoint", "Connect-PersistStore", "Disconnect-PersistStore", "Enter-RunLock", "Exit-RunLock", "Export-Checkpoint",
        "Get-Checkpoint", "Get-PersistStore", "Get-Run", "Get-RunHistory", "Get-RunLock", "Invoke-RunRevert", "Invoke-RunTransaction",
        "New-Checkpoint", "New-Run", "Optimize-PersistStore", "Remove-Checkpoint", "Remove-Run", "Remove-RunTag", "Repair-PersistStore",
        "Set-Run", "Set-RunTag", "Start-Migration", "Test-PersistStore", "Unlock-Run", "Update-PersistStore",
    };

    private static readonly string[] Mutating =
    {
        "Connect-PersistStore", "Disconnect-PersistStore", "New-Run", "Set-Run", "Remove-Run", "Set-RunTag", "Remove-RunTag",
        "New-Checkpoint", "Export-Checkpoint", "Invoke-RunRevert", "Enter-RunLock", "Exit-RunLock", "Unlock-Run", "Invoke-RunTransaction",
        "Update-PersistStore", "Remove-Checkpoint", "Optimize-PersistStore", "Repair-PersistStore", "Start-Migration",
    };

    private readonly ModuleFixture _ps;

    public ModuleLayoutTests(ModuleFixture ps) => _ps = ps;

    public static TheoryData<string> Cmdlets() => new(Exported);

    [Fact]
    public void ManifestPassesTestModuleManifestAndExportsExactlyTheCmdlets()
    {
        var info = _ps.Run("param($p) Test-ModuleManifest -Path $p", new { p = Repo.Manifest }).Succeeded().Single() as PSModuleInfo;
        Assert.NotNull(info);
        Assert.Equal(Exported, info!.ExportedCmdlets.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Empty(info.ExportedFunctions);
        Assert.Empty(info.ExportedAliases);
        Assert.Empty(info.ExportedVariables);
        Assert.Equal(new[] { "Core", "Desktop" }, info.CompatiblePSEditions);
        Assert.Equal(new Version(5, 1), info.PowerShellVersion);
        var psData = (Hashtable)((Hashtable)info.PrivateData)["PSData"]!;
        Assert.NotEmpty((object[])psData["Tags"]!);
        foreach (var key in new[] { "ProjectUri", "LicenseUri", "ReleaseNotes" }) Assert.False(string.IsNullOrWhiteSpace(psData[key]?.ToString()), key);
        Assert.DoesNotContain("*", File.ReadAllText(Repo.Manifest));
    }

    [Fact]
    public void ImportedModuleExportsTheSameCmdlets() =>
        Assert.Equal(Exported, _ps.Run("(Get-Command -Module PersistStore).Name").Succeeded().Output.Select(o => o.ToString()).OrderBy(n => n, StringComparer.Ordinal));

    [Fact]
    public void TheFolderShipsNativeSqliteForEveryPlatformAndNoPowerShellReferenceAssembly()
    {
        foreach (var native in new[] { "linux-x64/native/libe_sqlite3.so", "linux-arm64/native/libe_sqlite3.so", "win-x64/native/e_sqlite3.dll",
                                       "osx-x64/native/libe_sqlite3.dylib", "osx-arm64/native/libe_sqlite3.dylib" })
            Assert.True(File.Exists(Path.Combine(Repo.ModuleFolder, "runtimes", native)), native);
        foreach (var lib in new[] { "core", "desktop" })
        {
            Assert.True(File.Exists(Path.Combine(Repo.ModuleFolder, "lib", lib, "PersistStore.Engine.dll")), lib);
            Assert.True(File.Exists(Path.Combine(Repo.ModuleFolder, "lib", lib, "Microsoft.Data.Sqlite.dll")), lib);
        }
        Assert.True(File.Exists(Path.Combine(Repo.ModuleFolder, "en-US", "PersistStore.dll-Help.xml")));
        Assert.True(File.Exists(Path.Combine(Repo.ModuleFolder, "PersistStore.Format.ps1xml")));
        Assert.Empty(Directory.GetFiles(Repo.ModuleFolder, "System.Management.Automation.dll", SearchOption.AllDirectories));
        // Outside lib/ only the cmdlet assembly: PowerShell must never find the engine or SQLite on its own.
        Assert.Equal(new[] { "PersistStore.dll" }, Directory.GetFiles(Repo.ModuleFolder, "*.dll").Select(Path.GetFileName));
        // PostgreSQL (Npgsql and what it needs) ships for PowerShell 7 only, isolated in lib/core like SQLite.
        foreach (var dll in new[] { "Npgsql.dll", "Microsoft.Extensions.Logging.Abstractions.dll" })
        {
            Assert.True(File.Exists(Path.Combine(Repo.ModuleFolder, "lib", "core", dll)), dll);
            Assert.False(File.Exists(Path.Combine(Repo.ModuleFolder, "lib", "desktop", dll)), dll);
        }
    }

    /// <summary>
    /// The engine Windows PowerShell loads (lib/desktop, netstandard2.0) has no PostgreSQL backend: given a
    /// connection string it refuses with BackendNotAvailable and says to use pwsh, without the password. Loaded here
    /// from the laid-out folder in a load context of its own (netstandard2.0 runs on .NET as it does on .NET Framework).
    /// </summary>
    [Fact]
    public void TheWindowsPowerShellEngineRefusesAPostgresStoreSayingToUsePowerShell7()
    {
        string desktop = Path.Combine(Repo.ModuleFolder, "lib", "desktop");
        var context = new System.Runtime.Loader.AssemblyLoadContext("desktop-engine", isCollectible: true);
        context.Resolving += (c, name) => File.Exists(Path.Combine(desktop, name.Name + ".dll")) ? c.LoadFromAssemblyPath(Path.Combine(desktop, name.Name + ".dll")) : null;
        try
        {
            var engine = context.LoadFromAssemblyPath(Path.Combine(desktop, "PersistStore.Engine.dll"));
            Assert.Null(engine.GetType("PersistStore.Engine.Storage.Postgres.PgStore"));
            var location = engine.GetType("PersistStore.Engine.Storage.StoreLocation")!.GetMethod("TryParseConnectionString")!
                .Invoke(null, new object[] { "Host=db.example;Username=ops;Password=s3cret" })!;
            var resolvedType = engine.GetType("PersistStore.Engine.Stores.ResolvedStore")!;
            var source = Enum.ToObject(engine.GetType("PersistStore.Engine.Stores.StoreSource")!, 0);
            var resolved = Activator.CreateInstance(resolvedType, location, source)!;
            var get = engine.GetType("PersistStore.Engine.Stores.StoreCatalog")!.GetMethod("Get")!;
            var e = Assert.Throws<System.Reflection.TargetInvocationException>(() => get.Invoke(null, new object?[] { resolved, false, null })).InnerException!;
            Assert.Equal("BackendNotAvailable", e.GetType().GetProperty("ErrorId")!.GetValue(e));
            Assert.Contains("PowerShell 7", e.Message);
            Assert.DoesNotContain("s3cret", e.Message + e.GetType().GetProperty("Target")!.GetValue(e));
        }
        finally { context.Unload(); }
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void EveryCmdletDeclaresOutputTypeAndStateChangesSupportShouldProcess(string cmdlet)
    {
        var command = (CmdletInfo)_ps.Run("param($c) Get-Command $c", new { c = cmdlet }).Succeeded().Single()!;
        if (cmdlet != "Disconnect-PersistStore") Assert.NotEmpty(command.OutputType);
        var attribute = (CmdletAttribute)command.ImplementingType.GetCustomAttributes(typeof(CmdletAttribute), false).Single();
        Assert.Equal(Mutating.Contains(cmdlet), attribute.SupportsShouldProcess);
        if (cmdlet is "Remove-Run" or "Invoke-RunRevert" or "Unlock-Run") Assert.Equal(ConfirmImpact.High, attribute.ConfirmImpact);
    }
}
