using System;
using System.Diagnostics;

namespace PersistStore.Engine.Identity
{
    /// <summary>Who performs a mutation: recorded in runs, history entries and (later) locks.</summary>
    public sealed record Actor(string User, string Host, int ProcessId, DateTime ProcessStartUtc)
    {
        public string UserAtHost => User + "@" + Host;

        private static readonly Lazy<Actor> CurrentProcess = new Lazy<Actor>(() =>
        {
            using var self = Process.GetCurrentProcess();
            DateTime started;
            try { started = self.StartTime.ToUniversalTime(); }
            catch (Exception) { started = DateTime.MinValue; }
            return new Actor(Environment.UserName, Environment.MachineName, self.Id, started);
        });

        public static Actor Current => CurrentProcess.Value;
    }
}
