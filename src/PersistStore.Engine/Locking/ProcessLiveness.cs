using System;
using System.Diagnostics;
using System.IO;

namespace PersistStore.Engine.Locking
{
    /// <summary>
    /// Whether a lock holder's process still exists. Only answerable for this host; a pid alone is not enough
    /// (pids are reused), so the process start time must match too.
    /// </summary>
    public static class ProcessLiveness
    {
        /// <summary>Start times are read back with clock-tick rounding; a reused pid starts far later than this.</summary>
        private static readonly TimeSpan StartTolerance = TimeSpan.FromSeconds(1);
        /// <summary>Checked once: elsewhere every staleness check (one per poll) would pay for a failed file open.</summary>
        private static readonly bool HasProcFs = Directory.Exists("/proc/self");

        public static bool IsThisHost(string host) => string.Equals(host, Environment.MachineName, StringComparison.OrdinalIgnoreCase);

        /// <summary>True when the process is certainly gone; false when it lives or we cannot tell.</summary>
        public static bool IsGone(int processId, DateTime startUtc)
        {
            if (IsZombie(processId)) return true;
            try
            {
                using var process = Process.GetProcessById(processId);
                if (process.HasExited) return true;
                if (startUtc == DateTime.MinValue) return false;
                return (process.StartTime.ToUniversalTime() - startUtc).Duration() > StartTolerance;
            }
            catch (ArgumentException) { return true; }             // no such process
            catch (InvalidOperationException) { return true; }     // exited while we looked
            catch (Exception) { return false; }                    // e.g. access denied: someone's process is there
        }

        /// <summary>A killed child whose parent has not reaped it yet still has a pid; it will never run again.</summary>
        private static bool IsZombie(int processId)
        {
            if (!HasProcFs) return false;
            try
            {
                string stat = File.ReadAllText($"/proc/{processId}/stat");
                int close = stat.LastIndexOf(')');
                return close > 0 && close + 2 < stat.Length && stat[close + 2] == 'Z';
            }
            catch (Exception) { return false; }
        }
    }
}
