using BioEval.Harness.Datasets;

namespace BioEval.Harness.Tasks.NER;

/// <summary>One PubTator document: title, abstract and its mention annotations.</summary>
public sealed record PubTatorDocument(string Pmid, string Title, string Abstract, IReadOnlyList<PubTatorMention> Mentions)
{
    /// <summary>The text the offsets index: title, one space, abstract.</summary>
    public string Text => Title + " " + Abstract;
}

/// <summary>An annotated mention: character offsets into <see cref="PubTatorDocument.Text"/>, surface form, type, concept id.</summary>
public sealed record PubTatorMention(int Start, int End, string Text, string Type, string ConceptId);

/// <summary>
/// Reads the PubTator format of the NCBI disease corpus: <c>PMID|t|title</c>, <c>PMID|a|abstract</c>, then one
/// tab-separated line per mention (PMID, start, end, mention, type, concept id), a blank line between documents.
/// Every offset is checked against the text; a mismatch is a load error naming the PMID. The one tolerance: the
/// mention column may carry surrounding whitespace the text span lacks (the train file has such a line, PMID
/// 10923035), so the span is compared with the trimmed mention and the span's text is kept.
/// </summary>
public static class PubTatorReader
{
    public static IReadOnlyList<PubTatorDocument> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"PubTator file not found: {path}", path);
        var documents = new List<PubTatorDocument>();
        string? pmid = null, title = null, abstractText = null;
        var mentions = new List<PubTatorMention>();
        var lineNo = 0;

        void Flush()
        {
            if (pmid is null) return;
            if (title is null || abstractText is null)
                throw new DatasetFormatException($"{path}: document {pmid} lacks its {(title is null ? "title (|t|)" : "abstract (|a|)")} line.");
            documents.Add(new PubTatorDocument(pmid, title, abstractText, mentions));
            pmid = title = abstractText = null;
            mentions = [];
        }

        foreach (var raw in DatasetText.ReadLines(path))
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) { Flush(); continue; }
            var bar = line.IndexOf('|');
            var tab = line.IndexOf('\t');
            if (bar > 0 && (tab < 0 || bar < tab) && line.Length > bar + 2 && line[bar + 2] == '|')
            {
                var id = line[..bar];
                var kind = line[bar + 1];
                if (pmid is not null && id != pmid) Flush();
                pmid ??= id;
                if (kind == 't') title = line[(bar + 3)..];
                else if (kind == 'a') abstractText = line[(bar + 3)..];
                else throw new DatasetFormatException($"{path}:{lineNo}: unknown section '{kind}' for PMID {id} (expected t or a).");
                continue;
            }
            var parts = line.Split('\t');
            if (parts.Length < 5)
                throw new DatasetFormatException($"{path}:{lineNo}: expected a title, abstract or tab-separated annotation line.");
            if (parts[0] != pmid)
                throw new DatasetFormatException($"{path}:{lineNo}: annotation for PMID {parts[0]} inside document {pmid ?? "(none)"}.");
            if (title is null || abstractText is null)
                throw new DatasetFormatException($"{path}:{lineNo}: annotation of PMID {pmid} before its title and abstract.");
            if (!int.TryParse(parts[1], out var start) || !int.TryParse(parts[2], out var end))
                throw new DatasetFormatException($"{path}:{lineNo}: PMID {pmid}: offsets '{parts[1]}', '{parts[2]}' are not integers.");
            var text = title + " " + abstractText;
            if (start < 0 || end > text.Length || start >= end || text[start..end] != parts[3].Trim())
                throw new DatasetFormatException($"{path}:{lineNo}: PMID {pmid}: mention '{parts[3]}' does not match the text at {start}-{end}" +
                    (start >= 0 && end <= text.Length && start < end ? $" ('{text[start..end]}')." : " (out of range)."));
            mentions.Add(new PubTatorMention(start, end, text[start..end], parts[4], parts.Length > 5 ? parts[5] : ""));
        }
        Flush();
        return documents;
    }
}
