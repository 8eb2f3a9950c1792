using System;
using System.IO;
using System.Linq;
using PersistStore.HelpGen;

// Usage: PersistStore.HelpGen <docs folder> <output MAML file>
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: PersistStore.HelpGen <docs folder> <output .dll-Help.xml>");
    return 2;
}
try
{
    var pages = Directory.GetFiles(args[0], "*-*.md").OrderBy(p => p, StringComparer.Ordinal)
        .Select(p => MarkdownHelpReader.Read(File.ReadAllText(p), Path.GetFileName(p))).ToList();
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(args[1]))!);
    MamlWriter.Write(pages).Save(args[1]);
    Console.WriteLine($"help: {pages.Count} cmdlets -> {args[1]}");
    return 0;
}
catch (FormatException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
