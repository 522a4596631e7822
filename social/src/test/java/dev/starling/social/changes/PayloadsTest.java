package dev.starling.social.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PayloadsTest {

    private static List<Object> parse(String payload) {
        List<Object> out = new ArrayList<>();
        Payloads.parse(payload, out::add);
        return out;
    }

    @Test
    void readsEveryKindOfEntryInOrder() {
        assertEquals(List.of(new Change(Kind.FOLLOW, 1, 2, 0), new Change(Kind.POST_CREATED, 10, 3, 0),
                        new Change(Kind.POST_DELETED, 11, 3, 10), new Change(Kind.ACCOUNT, 7, 0, 0), Change.RESET,
                        new Change(Kind.POST_STATS, -4, 0, 0)),
                parse("F,1,2;P,10,3,0;D,11,3,10;A,7;R;S,-4"));
    }

    @Test
    void everyLetterOfTheMigrationIsAKind() {
        for (char c : "FBMPCDVKASR".toCharArray()) {
            assertEquals(c, Kind.of(c).code());
        }
    }

    @Test
    void whatDoesNotParseIsAReset() {
        for (String bad : new String[] {"", ";", "F,1,x", "Q,1,2", "F,1,2,3,4", "F;1", "Y,1,2", "F,,2", "F,99999999999999999999"}) {
            List<Object> out = parse(bad);
            assertEquals(true, out.contains(Change.RESET), "'" + bad + "' gave " + out);
        }
        assertEquals(List.of(new Change(Kind.FOLLOW, 1, 2, 0), Change.RESET, new Change(Kind.BLOCK, 3, 4, 0)), parse("F,1,2;?;B,3,4"));
    }
}
