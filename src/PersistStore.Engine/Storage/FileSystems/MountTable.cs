using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace PersistStore.Engine.Storage.FileSystems
{
    /// <summary>Linux mounts from /proc/self/mountinfo: which file system type holds a path.</summary>
    public sealed class MountTable
    {
        private readonly List<(string MountPoint, string FsType)> _mounts;

        public MountTable(IEnumerable<(string MountPoint, string FsType)> mounts) => _mounts = new List<(string, string)>(mounts);

        public static MountTable? ReadCurrent()
        {
            const string path = "/proc/self/mountinfo";
            try { return File.Exists(path) ? Parse(File.ReadAllText(path)) : null; }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        /// <summary>Parses mountinfo lines: "id parent major:minor root mountpoint options [optional...] - fstype source superopts".</summary>
        public static MountTable Parse(string mountinfo)
        {
            var mounts = new List<(string, string)>();
            foreach (var line in mountinfo.Split('\n'))
            {
                var fields = line.Split(' ');
                int dash = Array.IndexOf(fields, "-");
                if (fields.Length < 7 || dash < 6 || dash + 1 >= fields.Length) continue;
                mounts.Add((Unescape(fields[4]), fields[dash + 1]));
            }
            return new MountTable(mounts);
        }

        /// <summary>The type of the deepest mount that contains the path (later mounts shadow earlier ones).</summary>
        public string? FileSystemTypeOf(string fullPath)
        {
            string? best = null;
            int bestLength = -1;
            foreach (var (mountPoint, fsType) in _mounts)
            {
                if (!Contains(mountPoint, fullPath)) continue;
                if (mountPoint.Length >= bestLength)
                {
                    best = fsType;
                    bestLength = mountPoint.Length;
                }
            }
            return best;
        }

        private static bool Contains(string mountPoint, string path)
        {
            if (mountPoint == "/") return path.StartsWith("/", StringComparison.Ordinal);
            return path == mountPoint || path.StartsWith(mountPoint + "/", StringComparison.Ordinal);
        }

        private static string Unescape(string field)
        {
            if (field.IndexOf('\\') < 0) return field;
            var sb = new StringBuilder();
            for (int i = 0; i < field.Length; i++)
            {
                if (field[i] == '\\' && IsOctal(field, i + 1))
                {
                    sb.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                    i += 3;
                }
                else sb.Append(field[i]);
            }
            return sb.ToString();
        }

        private static bool IsOctal(string s, int at) =>
            at + 3 <= s.Length && s[at] >= '0' && s[at] <= '7' && s[at + 1] >= '0' && s[at + 1] <= '7' && s[at + 2] >= '0' && s[at + 2] <= '7';
    }
}
