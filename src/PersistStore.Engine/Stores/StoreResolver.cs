using System;
using System.IO;
using System.Runtime.InteropServices;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Stores
{
    public enum StoreSource { Parameter, SessionDefault, Environment, UserDefault }

    public sealed record ResolvedStore(StoreLocation Location, StoreSource Source);

    /// <summary>
    /// Which store a command uses: -Store, else the session default (Connect-PersistStore), else
    /// $env:PERSISTSTORE_STORE, else the per-user default file, created on first use.
    /// </summary>
    public static class StoreResolver
    {
        public const string EnvironmentVariable = "PERSISTSTORE_STORE";
        public const string DefaultFileName = "default.pstore";

        public static ResolvedStore Resolve(StoreLocation? parameter, StoreLocation? sessionDefault, Func<string, string> toFullPath)
        {
            if (parameter != null) return new ResolvedStore(parameter, StoreSource.Parameter);
            if (sessionDefault != null) return new ResolvedStore(sessionDefault, StoreSource.SessionDefault);
            string? env = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(env))
                return new ResolvedStore(Parse(env!, toFullPath), StoreSource.Environment);
            return new ResolvedStore(StoreLocation.ForFile(DefaultStorePath()), StoreSource.UserDefault);
        }

        /// <summary>A connection string, or a path made absolute by the caller's notion of the current folder.</summary>
        public static StoreLocation Parse(string text, Func<string, string> toFullPath)
        {
            var parsed = StoreLocation.TryParseConnectionString(text);
            if (parsed == null) return StoreLocation.ForFile(toFullPath(ExpandHome(text.Trim())));
            return parsed.Kind == StoreKind.SqliteFile ? StoreLocation.ForFile(toFullPath(ExpandHome(parsed.Value))) : parsed;
        }

        /// <summary>The per-user data folder of each OS (XDG on Linux, LocalAppData on Windows, Application Support on macOS).</summary>
        public static string DefaultStorePath()
        {
            string baseDir;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                baseDir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "PersistStore");
            else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                baseDir = Path.Combine(Home(), "Library", "Application Support", "PersistStore");
            else
            {
                string? xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
                baseDir = Path.Combine(string.IsNullOrEmpty(xdg) || !Path.IsPathRooted(xdg) ? Path.Combine(Home(), ".local", "share") : xdg!, "persiststore");
            }
            return Path.Combine(baseDir, DefaultFileName);
        }

        private static string ExpandHome(string path) =>
            path == "~" ? Home()
            : path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal) ? Path.Combine(Home(), path.Substring(2))
            : path;

        private static string Home()
        {
            string? home = Environment.GetEnvironmentVariable("HOME");
            return string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home!;
        }
    }
}
