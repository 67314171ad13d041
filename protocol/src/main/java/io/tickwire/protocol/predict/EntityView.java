package io.tickwire.protocol.predict;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;

/**
 * Read and write access to the quantized state of one entity, as an {@link EntityStep} sees it. Setters
 * quantize exactly as the server's world does ({@link SchemaField#quantize}: rounded to the field's step,
 * clamped, angles wrapped), so what a step reads back is what clients will see.
 * <p>
 * Implementations are flyweights or state objects owned by one thread (the server's room loop, the
 * client's game thread); a step must not keep a view beyond its call.
 */
public interface EntityView
{
    /**
     * @return the schema of the entity's fields.
     */
    EntitySchema schema();

    /**
     * @return the entity's id (0 when the view is not bound to a known entity).
     */
    int entityId();

    /**
     * @param field an INT, FIXED, ANGLE (radians in [0, 2&pi;)) or BOOL field of {@link #schema()}.
     * @return the dequantized value.
     */
    double getDouble(SchemaField field);

    /**
     * @param field an INT, FIXED, ANGLE or BOOL field of {@link #schema()}.
     * @param value the value; quantized (rounded, clamped, angles wrapped).
     */
    void setDouble(SchemaField field, double value);

    /**
     * @param field an INT or BOOL field of {@link #schema()}.
     * @return the value.
     */
    int getInt(SchemaField field);

    /**
     * @param field an INT or BOOL field of {@link #schema()}.
     * @param value the value, clamped into range.
     */
    void setInt(SchemaField field, int value);

    /**
     * @param field a BOOL field of {@link #schema()}.
     * @return the value.
     */
    boolean getBool(SchemaField field);

    /**
     * @param field a BOOL field of {@link #schema()}.
     * @param value the value.
     */
    void setBool(SchemaField field, boolean value);

    /**
     * @param slot slot index in [0, schema slot count).
     * @return the raw quantized value.
     */
    int slot(int slot);
}
