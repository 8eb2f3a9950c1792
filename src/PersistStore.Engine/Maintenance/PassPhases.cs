using System;
using System.Collections.Generic;
using System.Diagnostics;
using PersistStore.Engine.Identity;

namespace PersistStore.Engine.Maintenance
{
    /// <summary>Where a maintenance pass (optimize, check, repair) is: its phase, and items done of those to do (0 of 0: not counted).</summary>
    public sealed record PassProgress(string Phase, int Done, int Total)
    {
        public int Percent => Total == 0 ? 0 : Done * 100 / Total;
    }

    /// <summary>Times a pass's phases one after the other, for its result and the caller's -Debug lines.</summary>
    internal sealed class PassPhases
    {
        private readonly string _pass;
        private readonly Caller _caller;
        private readonly Stopwatch _phase = Stopwatch.StartNew();
        private readonly Stopwatch _total = Stopwatch.StartNew();
        private readonly List<(string Phase, TimeSpan Time)> _done = new List<(string, TimeSpan)>();

        public PassPhases(string pass, Caller caller)
        {
            _pass = pass;
            _caller = caller;
        }

        public IReadOnlyList<(string Phase, TimeSpan Time)> Done => _done;
        public TimeSpan Total => _total.Elapsed;

        /// <summary>Ends the phase running since the last call (or the start).</summary>
        public void End(string name)
        {
            _done.Add((name, _phase.Elapsed));
            _caller.Trace?.Invoke($"{_pass}: {name} took {_phase.Elapsed.TotalMilliseconds:F0} ms.");
            _phase.Restart();
        }
    }
}
