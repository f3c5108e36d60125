-- Data-subject requests by customer: the index the rights Eraser lists a
-- forgotten customer's requests through (rights.Store.OfSubject), its cost
-- following their requests. The subject column holds
-- rights.Request.SubjectKey: the SubjectID, or "ref " and the pseudonymous
-- reference once the request is pseudonymised.
CREATE INDEX custos_rights_requests_subject ON custos_rights_requests (subject, id);
