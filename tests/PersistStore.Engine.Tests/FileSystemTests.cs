using System.IO;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Storage.FileSystems;
using PersistStore.Engine.Storage.Sqlite;
using Xunit;

namespace PersistStore.Engine.Tests;

public class FileSystemTests
{
    private const string MountInfo =
        "22 27 0:21 / /proc rw,relatime - proc proc rw\n" +
        "27 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw\n" +
        "40 27 0:40 / /mnt/team rw,relatime - nfs4 fileserver:/export/team rw,vers=4.2\n" +
        "41 40 0:41 / /mnt/team/local rw,relatime - ext4 /dev/vdb1 rw\n" +
        "42 27 0:42 / /srv/my\\040share rw,relatime shared:5 - cifs //nas/share rw\n" +
        "43 27 0:43 / /home/ops/remote rw,nosuid - fuse.sshfs ops@host:/data rw\n";

    [Theory]
    [InlineData("/mnt/team/stores", "nfs4")]
    [InlineData("/mnt/team", "nfs4")]
    [InlineData("/mnt/team/local/stores", "ext4")]
    [InlineData("/srv/my share/x", "cifs")]
    [InlineData("/home/ops/remote/a", "fuse.sshfs")]
    [InlineData("/mnt/teamwork", "ext4")]
    public void DeepestMountDecidesTheFileSystem(string path, string expected) =>
        Assert.Equal(expected, MountTable.Parse(MountInfo).FileSystemTypeOf(path));

    [Theory]
    [InlineData("/mnt/team/stores")]
    [InlineData("/srv/my share")]
    [InlineData("/home/ops/remote")]
    public void StoresOnNetworkFileSystemsAreRefused(string folder)
    {
        var e = Assert.Throws<UnsupportedStoreLocationException>(() => StoreFolderCheck.Check(folder, null, MountTable.Parse(MountInfo)));
        Assert.Equal("StoreOnNetworkFileSystem", e.ErrorId);
        Assert.Contains("PostgreSQL", e.Message);
    }

    [Fact]
    public void LocalFoldersPassWithoutWarning()
    {
        string? warning = null;
        StoreFolderCheck.Check("/mnt/team/local/x", w => warning = w, MountTable.Parse(MountInfo));
        Assert.Null(warning);
    }

    [Theory]
    [InlineData("Dropbox")]
    [InlineData("OneDrive - Contoso")]
    [InlineData("Nextcloud")]
    public void SyncFoldersAreWarnedAbout(string syncFolder)
    {
        using var store = new TestStore();
        string folder = Directory.CreateDirectory(Path.Combine(store.Folder, syncFolder, "stores")).FullName;
        string? warning = null;
        StoreFolderCheck.Check(folder, w => warning = w, MountTable.Parse(MountInfo));
        Assert.NotNull(warning);
        Assert.Contains(Path.Combine(store.Folder, syncFolder), warning);
    }

    [Fact]
    public void SyncthingMarkerIsWarnedAboutAndTheStoreStillOpens()
    {
        using var store = new TestStore();
        Directory.CreateDirectory(Path.Combine(store.Folder, ".stfolder"));
        string? warning = null;
        SqliteStore.Open(store.PathOnDisk, new Storage.StoreOpenOptions { CreateIfMissing = true, Warn = w => warning = w });
        Assert.Contains("sync folder", warning);
        Assert.True(File.Exists(store.IndexOnDisk));
    }
}
