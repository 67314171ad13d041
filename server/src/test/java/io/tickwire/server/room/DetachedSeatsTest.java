package io.tickwire.server.room;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetachedSeatsTest
{
    @Test
    void shouldCapPlayersInGracePerAddressWhateverThePort()
    {
        final DetachedSeats seats = new DetachedSeats(2);
        assertTrue(seats.tryAcquire("/203.0.113.7:40001"));
        assertTrue(seats.tryAcquire("/203.0.113.7:40002"));
        assertFalse(seats.tryAcquire("/203.0.113.7:40003"), "third player in grace from one address");
        assertTrue(seats.tryAcquire("/198.51.100.1:40001"), "another address has its own places");
        seats.release("/203.0.113.7:40001");
        assertTrue(seats.tryAcquire("/203.0.113.7:40004"), "a released place can be taken again");
        assertEquals(2, seats.count("203.0.113.7"));
        assertEquals(3, seats.total());
    }

    @Test
    void shouldReadTheHostOfEveryAddressForm()
    {
        assertEquals("203.0.113.7", DetachedSeats.host("/203.0.113.7:51234"));
        assertEquals("203.0.113.7", DetachedSeats.host("localhost/203.0.113.7:51234"));
        assertEquals("0:0:0:0:0:0:0:1", DetachedSeats.host("/[0:0:0:0:0:0:0:1]:5000"));
        assertEquals("203.0.113.7", DetachedSeats.host("203.0.113.7"));
    }

    @Test
    void shouldRefuseEveryDetachWhenTheCapIsZero()
    {
        assertFalse(new DetachedSeats(0).tryAcquire("/203.0.113.7:1"));
    }
}
