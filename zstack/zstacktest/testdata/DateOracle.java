// DateOracle prints the verdicts in jdk17_dates.tsv: it reads one Date
// header per line and prints the line, a tab, then "refused" or the zone
// id, the instant and the local date-time of
// ZonedDateTime.parse(line, formatter), with ZStack RestServer's formatter
// verbatim (rest/src/main/java/org/zstack/rest/RestServer.java,
// checkTime). Lines starting with '#' are skipped; the first output line
// names the JDK. It is not part of the build; the fake's tests do not need
// Java. Regenerate (from zstack/zstacktest) with
//
//	grep -v '^#' testdata/jdk17_dates.tsv | cut -f1 | java testdata/DateOracle.java > /tmp/new.tsv
//
// and compare with the committed file.
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.time.*;
import java.time.format.*;
import java.time.zone.ZoneRulesProvider;
import java.util.*;

public class DateOracle {
    public static void main(String[] a) throws IOException {
        DateTimeFormatter f = new DateTimeFormatterBuilder()
                .parseCaseInsensitive()
                .appendPattern("EEE, dd MMM yyyy HH:mm:ss z")
                .toFormatter(Locale.ENGLISH);
        DateTimeFormatter local = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.ISO_8859_1));
        PrintStream out = new PrintStream(System.out, true, "ISO-8859-1");
        out.println("# " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (tzdata " + ZoneRulesProvider.getVersions("UTC").lastKey() + "), run " + LocalDate.now(ZoneOffset.UTC)
                + ": input, then refused or zone id, instant, local date-time");
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("#")) continue;
            String r;
            try {
                ZonedDateTime z = ZonedDateTime.parse(line, f);
                r = z.getZone().getId() + "\t" + z.toInstant() + "\t" + z.toLocalDateTime().format(local);
            } catch (RuntimeException e) {
                r = "refused";
            }
            out.println(line + "\t" + r);
        }
    }
}
