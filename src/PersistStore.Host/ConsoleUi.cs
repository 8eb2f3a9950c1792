using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text.RegularExpressions;

namespace PersistStore.Host;

/// <summary>Just enough of a PowerShell host for Out-Default to render format views to the console.</summary>
internal sealed class ConsoleHost : PSHost
{
    private readonly ConsoleUi _ui = new();

    public int? ExitCode { get; private set; }
    public override string Name => "PersistStoreHost";
    public override Version Version => new(0, 1);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
    public override void EnterNestedPrompt() => throw new NotSupportedException("Nested prompts are not supported.");
    public override void ExitNestedPrompt() => throw new NotSupportedException("Nested prompts are not supported.");
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}

internal sealed class ConsoleUi : PSHostUserInterface
{
    private readonly ConsoleRawUi _raw = new();

    // Format views style headers with escape sequences; a file or a pipe gets plain text, as pwsh does.
    private static readonly Regex Escapes = new(@"\x1b\[[0-9;?]*[A-Za-z]", RegexOptions.Compiled);

    public override PSHostRawUserInterface RawUI => _raw;
    public override bool SupportsVirtualTerminal => !Console.IsOutputRedirected;
    public override void Write(string value) => Console.Out.Write(Plain(value, Console.IsOutputRedirected));
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);
    public override void WriteLine(string value) => Console.Out.WriteLine(Plain(value, Console.IsOutputRedirected));
    public override void WriteErrorLine(string value) => Console.Error.WriteLine(Plain(value, Console.IsErrorRedirected));
    public override void WriteDebugLine(string message) => Console.Error.WriteLine("DEBUG: " + message);
    public override void WriteVerboseLine(string message) => Console.Error.WriteLine("VERBOSE: " + message);
    public override void WriteWarningLine(string message) => Console.Error.WriteLine("WARNING: " + message);
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override string ReadLine() => Console.In.ReadLine() ?? "";
    public override SecureString ReadLineAsSecureString() => throw NonInteractive();

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw NonInteractive();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw NonInteractive();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw NonInteractive();

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        if (Console.IsInputRedirected) throw NonInteractive();
        Console.Out.WriteLine(caption);
        Console.Out.WriteLine(message);
        for (int i = 0; i < choices.Count; i++) Console.Out.WriteLine($"  [{i}] {choices[i].Label.Replace("&", "")}");
        Console.Out.Write($"Choice (default {defaultChoice}): ");
        return int.TryParse(Console.In.ReadLine(), out int chosen) && chosen >= 0 && chosen < choices.Count ? chosen : defaultChoice;
    }

    private static string Plain(string text, bool redirected) => redirected ? Escapes.Replace(text, "") : text;

    private static Exception NonInteractive() =>
        new HostException("This host is not interactive: pass -Confirm:$false, or the values on the command line.");
}

internal sealed class ConsoleRawUi : PSHostRawUserInterface
{
    private static int Width => Console.IsOutputRedirected ? 120 : Math.Max(40, Console.WindowWidth);

    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; }
    public override Size BufferSize { get => new(Width, 9999); set { } }
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get => new(Width, 50); set { } }
    public override Size MaxWindowSize => new(Width, 50);
    public override Size MaxPhysicalWindowSize => new(Width, 50);
    public override bool KeyAvailable => false;
    public override string WindowTitle { get; set; } = "";
    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
}
