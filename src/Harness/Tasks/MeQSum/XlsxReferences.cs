using System.IO.Compression;
using System.Xml;
using BioEval.Harness.Datasets;

namespace BioEval.Harness.Tasks.MeQSum;

/// <summary>
/// Checks an .xlsx workbook's shared-string cells before it is read: a cell of type <c>s</c> holds an index into
/// <c>xl/sharedStrings.xml</c>, and ExcelDataReader shows an index past its end as the index itself (a question that
/// reads "999"). Such a cell is an error naming the sheet file and the cell.
/// </summary>
public static class XlsxReferences
{
    public static void Check(string path)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException($"{path}: not a readable Excel workbook (.xlsx is a zip archive): {e.Message}", e);
        }
        using (zip)
        {
            var count = 0;
            if (zip.GetEntry("xl/sharedStrings.xml") is { } strings)
                using (var reader = XmlReader.Create(strings.Open()))
                    while (reader.Read())
                        if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "si" && reader.Depth == 1) count++;
            foreach (var sheet in zip.Entries.Where(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal)))
            {
                using var reader = XmlReader.Create(sheet.Open());
                while (reader.Read())
                {
                    if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "c" || reader.GetAttribute("t") != "s") continue;
                    var cell = reader.GetAttribute("r") ?? "?";
                    if (reader.IsEmptyElement) continue;
                    var value = ReadValue(reader);
                    if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) || index >= count)
                        throw new DatasetFormatException($"{path}: {sheet.FullName} cell {cell} refers to shared string '{value}', but the workbook has {count} shared strings; the file is damaged.");
                }
            }
        }
    }

    // The text of the <v> child of the current <c> element.
    private static string ReadValue(XmlReader reader)
    {
        var depth = reader.Depth;
        while (reader.Read() && reader.Depth > depth)
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "v") return reader.ReadElementContentAsString().Trim();
        return "";
    }
}
