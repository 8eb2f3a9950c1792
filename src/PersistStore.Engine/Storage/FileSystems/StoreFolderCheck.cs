using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Storage.FileSystems
{
    /// <summary>
    /// SQLite's locking is unreliable on network file systems (NFS, SMB, sshfs...): two hosts can both believe they
    /// hold the write lock, which corrupts the store. Those are refused. Sync folders (Dropbox, OneDrive...) live on a
    /// local disk, so locking works, but the client may upload the database and its -wal file at different moments
    /// and restore a torn pair on another machine: those get a loud warning. Either way PostgreSQL is the answer.
    /// </summary>
    public static class StoreFolderCheck
    {
        private static readonly HashSet<string> NetworkFileSystems = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs",
            "fuse.sshfs", "fuse.glusterfs", "fuse.rclone", "fuse.s3fs", "fuse.davfs", "davfs", "lustre", "gpfs",
            "fuse.cephfs", "fuse.gcsfuse", "fuse.juicefs", "virtiofs", "vboxsf", "fuse.vmhgfs-fuse", "vmhgfs",
        };

        private static readonly string[] SyncFolderNames =
        {
            "Dropbox", "OneDrive", "Google Drive", "GoogleDrive", "My Drive", "iCloud Drive", "iCloudDrive",
            "Mobile Documents", "com~apple~CloudDocs", "Nextcloud", "ownCloud", "Box Sync", "pCloud Drive", "MEGA",
            "Seafile", "SynologyDrive",
        };

        private static readonly string[] SyncMarkerFiles = { ".dropbox", ".stfolder", ".sync", ".nextcloudsync.log", ".owncloudsync.log" };

        public static void Check(string folder, Action<string>? warn) => Check(folder, warn, MountTable.ReadCurrent());

        public static void Check(string folder, Action<string>? warn, MountTable? mounts)
        {
            string full = Path.GetFullPath(folder);
            string? network = NetworkFileSystemOf(full, mounts);
            if (network != null)
                throw new UnsupportedStoreLocationException("StoreOnNetworkFileSystem", full,
                    $"The folder '{full}' is on a network file system ({network}). SQLite cannot lock reliably there and the store could be corrupted. Put the store on a local disk, or use a PostgreSQL store for shared access.");
            string? sync = SyncFolderOf(full);
            if (sync != null)
                warn?.Invoke($"The store folder '{full}' is inside a sync folder ('{sync}'). Sync clients can copy the database and its write-ahead log at different moments and leave a torn store elsewhere. Keep stores out of sync folders; use PostgreSQL to share a store.");
        }

        public static string? NetworkFileSystemOf(string fullPath, MountTable? mounts)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                if (fullPath.StartsWith(@"\\", StringComparison.Ordinal)) return "UNC share";
                var root = Path.GetPathRoot(fullPath);
                try
                {
                    if (!string.IsNullOrEmpty(root) && new DriveInfo(root!).DriveType == DriveType.Network) return "network drive";
                }
                catch (ArgumentException) { }
                return null;
            }
            var type = mounts?.FileSystemTypeOf(fullPath);
            return type != null && NetworkFileSystems.Contains(type) ? type : null;
        }

        public static string? SyncFolderOf(string fullPath)
        {
            for (var dir = new DirectoryInfo(fullPath); dir != null; dir = dir.Parent)
            {
                foreach (var name in SyncFolderNames)
                    if (dir.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || dir.Name.StartsWith(name + " - ", StringComparison.OrdinalIgnoreCase))
                        return dir.FullName;
                foreach (var marker in SyncMarkerFiles)
                    if (File.Exists(Path.Combine(dir.FullName, marker)) || Directory.Exists(Path.Combine(dir.FullName, marker)))
                        return dir.FullName;
            }
            return null;
        }
    }
}
