using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Runs;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>
/// A file the checkpointing user cannot read: one non-terminating error naming it, and the checkpoint refused (not
/// recorded without the file). Permission bits do not stop root, so as root the checkpoint runs in a child process
/// as the unprivileged user 'nobody' (setpriv) against a root-owned file with mode 000.
/// </summary>
public class UnreadableFileTests : IDisposable
{
    private readonly TestStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void AnUnreadableFileIsReportedAndTheCheckpointIsRefused()
    {
        string work = Directory.CreateDirectory(Path.Combine(_store.Folder, "work")).FullName;
        TestFiles.Write(Path.Combine(work, "ok.txt"), TestFiles.TextBytes(100, 1));
        string secret = Path.Combine(work, "secret.key");
        TestFiles.Write(secret, TestFiles.TextBytes(100, 2));
        File.SetUnixFileMode(secret, UnixFileMode.None);
        var backend = _store.Open();
        new RunService(backend).Create(new NewRunRequest { Name = "guarded", Path = work });
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        if (Environment.UserName != "root")
        {
            var reported = new System.Collections.Generic.List<Errors.PersistStoreException>();
            var refused = Assert.Throws<Errors.PersistStoreException>(() => new CheckpointService(backend).Create(RunRef.Parse("guarded"), null, report: reported.Add));
            Assert.Equal("CheckpointRefused", refused.ErrorId);
            Assert.Equal(secret, Assert.Single(reported).Target);
        }
        else
        {
            var all = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupWrite
                      | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            foreach (var dir in new[] { _store.Folder, work }) File.SetUnixFileMode(dir, all);
            // The store is a folder: the other user needs its folders and its files (index, packs) writable.
            foreach (var dir in Directory.GetDirectories(_store.PathOnDisk, "*", SearchOption.AllDirectories).Append(_store.PathOnDisk)) File.SetUnixFileMode(dir, all);
            foreach (var file in Directory.GetFiles(_store.PathOnDisk, "*", SearchOption.AllDirectories))
                File.SetUnixFileMode(file, all & ~(UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute));
            var info = new ProcessStartInfo("setpriv") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "dotnet", CrashTests.WorkerDll, "checkpoint-once", _store.PathOnDisk, "guarded" })
                info.ArgumentList.Add(a);
            info.Environment["HOME"] = _store.Folder;
            info.Environment["DOTNET_CLI_HOME"] = _store.Folder;
            using var child = Process.Start(info)!;
            string stderr = child.StandardError.ReadToEnd();
            child.WaitForExit();
            Assert.True(child.ExitCode == 1, $"exit {child.ExitCode}: {stderr}");
            Assert.Equal(new[] { $"PathUnreadable: {secret}", $"CheckpointRefused: {work}" }, stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.Empty(new CheckpointService(_store.Open()).List(RunRef.Parse("guarded")));
    }
}
